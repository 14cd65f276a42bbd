// Drop files here, or choose them: both go to `onFiles`.
import { useId, useRef, useState, type DragEvent } from "react";
import { ACCEPTED_TYPES } from "./api";

export function DropZone({ onFiles, disabled }: { onFiles: (files: File[]) => void; disabled?: boolean }) {
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
      <p>Drop images, videos or CSV files here</p>
      <label htmlFor={id} className="button-like">
        Choose files
      </label>
      <input
        id={id}
        ref={input}
        className="visually-hidden"
        type="file"
        multiple
        accept={ACCEPTED_TYPES.join(",")}
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
