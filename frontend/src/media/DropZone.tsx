// Drop files here, or choose them: both go to `onFiles`.
import { useId, useRef, useState, type DragEvent } from "react";
import { ACCEPTED_TYPES } from "./api";

export function DropZone({
  onFiles,
  disabled,
  accept = ACCEPTED_TYPES.join(","),
  multiple = true,
  prompt = "Drop images, videos or CSV files here",
  chooseLabel = "Choose files",
}: {
  onFiles: (files: File[]) => void;
  disabled?: boolean;
  accept?: string;
  multiple?: boolean;
  prompt?: string;
  chooseLabel?: string;
}) {
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  function drop(event: DragEvent) {
    event.preventDefault();
    setOver(false);
    if (disabled) return;
    const files = [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  }

  return (
    <div
      className="drop-zone"
      data-over={over || undefined}
      data-testid="drop-zone"
      onDragOver={(event) => {
        event.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={drop}
    >
      <p>{prompt}</p>
      <label htmlFor={id} className="button-like">
        {chooseLabel}
      </label>
      <input
        id={id}
        ref={input}
        className="visually-hidden"
        type="file"
        multiple={multiple}
        accept={accept}
        disabled={disabled}
        onChange={(event) => {
          const files = [...(event.target.files ?? [])];
          if (files.length) onFiles(files);
          event.target.value = "";
        }}
      />
    </div>
  );
}
