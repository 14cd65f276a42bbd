// One file of the library as a tile: thumbnail, what it is, tags, alt text, where used.
import { formatBytes, formatDuration, type Media } from "./api";

export function describe(media: Media): string {
  const parts: string[] = [];
  if (media.kind) parts.push(media.kind === "gif" ? "GIF" : media.kind);
  if (media.width && media.height) parts.push(`${media.width}×${media.height}`);
  if (media.duration_seconds != null) parts.push(formatDuration(media.duration_seconds));
  if (media.frames && media.frames > 1) parts.push(`${media.frames} frames`);
  if (media.size) parts.push(formatBytes(media.size));
  return parts.join(" · ");
}

export function MediaThumbnail({ media }: { media: Media }) {
  if (media.thumbnail_url) return <img src={media.thumbnail_url} alt={media.alt_text ?? ""} loading="lazy" />;
  if (media.kind === "video" && media.url) {
    return <video src={`${media.url}#t=0.1`} preload="metadata" muted aria-label={media.alt_text ?? media.filename} />;
  }
  return (
    <span className="media-placeholder" aria-hidden="true">
      {media.status === "failed" ? "!" : media.kind === "document" ? "CSV" : "…"}
    </span>
  );
}

export function MediaCard({ media, selected, onSelect }: { media: Media; selected?: boolean; onSelect: () => void }) {
  return (
    <li className="media-card" data-status={media.status} data-testid="media-card">
      <button type="button" onClick={onSelect} aria-pressed={selected} aria-label={`Open ${media.filename}`}>
        <span className="media-thumb">
          <MediaThumbnail media={media} />
        </span>
      </button>
      <div className="media-info">
        <strong className="media-name" title={media.filename}>
          {media.filename}
        </strong>
        <span className="muted">{media.status === "ready" ? describe(media) : media.status}</span>
        {media.failure_reason && <span className="field-error">{media.failure_reason}</span>}
        {media.tags.length > 0 && (
          <ul className="tags" aria-label="Tags">
            {media.tags.map((tag) => (
              <li key={tag}>#{tag}</li>
            ))}
          </ul>
        )}
        {media.status === "ready" && media.kind !== "document" && !media.alt_text && (
          <span className="warning">No alt text</span>
        )}
        {media.used_by.length > 0 && (
          <span className="muted">
            Used by {media.used_by.length} scheduled post{media.used_by.length > 1 ? "s" : ""}
          </span>
        )}
      </div>
    </li>
  );
}
