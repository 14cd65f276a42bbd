// Choosing media for a post: the ready files of the library, searchable by tag, with an
// upload right here. Controlled: `selected` ids in, `onChange` with the new ids out.
import { useId, useRef, useState } from "react";
import { DropZone } from "./DropZone";
import { LoadMore } from "./LoadMore";
import { describe, MediaThumbnail } from "./MediaCard";
import { UploadList } from "./UploadList";
import type { Media, MediaKind } from "./api";
import { useMediaList } from "./useMediaList";
import { useUploads } from "./useUploads";
import "./media.css";

export interface MediaPickerProps {
  workspaceId: string;
  selected: string[];
  onChange: (ids: string[], media: Media[]) => void;
  /** At most this many (the composer passes the strictest network's count). */
  max?: number;
  kind?: MediaKind;
  canUpload?: boolean;
}

export function MediaPicker({ workspaceId, selected, onChange, max, kind, canUpload = true }: MediaPickerProps) {
  const [tag, setTag] = useState("");
  const tagId = useId();
  const list = useMediaList(workspaceId, { status: "ready", kind, tag: tag.trim() || undefined });
  // Uploads finish later: they add to the selection as it is then, not as it was.
  const known = useRef(new Map<string, Media>());
  for (const media of list.items) known.current.set(media.id, media);
  const current = useRef(selected);
  current.current = selected;
  const full = max !== undefined && selected.length >= max;

  function choose(ids: string[]) {
    onChange(ids, ids.map((id) => known.current.get(id)).filter((m): m is Media => Boolean(m)));
  }

  function toggle(media: Media) {
    const ids = current.current;
    choose(ids.includes(media.id) ? ids.filter((id) => id !== media.id) : [...ids, media.id]);
  }

  const { uploads, upload, dismiss } = useUploads(workspaceId, (media) => {
    known.current.set(media.id, media);
    const ids = current.current;
    if (media.status === "ready" && (max === undefined || ids.length < max)) choose([...ids, media.id]);
  });

  return (
    <div className="media-picker">
      <div className="field">
        <label htmlFor={tagId}>Search by tag</label>
        <input id={tagId} type="search" value={tag} onChange={(e) => setTag(e.target.value)} placeholder="summer" />
      </div>
      {canUpload && <DropZone onFiles={(files) => void upload(files)} />}
      <UploadList uploads={uploads} onDismiss={dismiss} />
      {list.isPending && <p className="muted">Loading the library…</p>}
      {list.isError && (
        <p role="alert" className="form-error">
          {list.error.message}
        </p>
      )}
      {list.isSuccess && list.items.length === 0 && (
        <p className="muted">{tag ? `No media tagged “${tag}”.` : "The library is empty: upload a file above."}</p>
      )}
      <p className="muted" aria-live="polite">
        {selected.length} selected{max !== undefined ? ` of at most ${max}` : ""}
      </p>
      <ul className="media-grid compact" aria-label="Media to choose from">
        {list.items.map((media) => {
          const chosen = selected.includes(media.id);
          return (
            <li key={media.id} className="media-card" data-selected={chosen || undefined}>
              <button
                type="button"
                aria-pressed={chosen}
                disabled={!chosen && full}
                onClick={() => toggle(media)}
                aria-label={`${chosen ? "Remove" : "Add"} ${media.filename}`}
                title={describe(media)}
              >
                <span className="media-thumb">
                  <MediaThumbnail media={media} />
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      <LoadMore list={list} />
    </div>
  );
}
