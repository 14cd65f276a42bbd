// One file's details: preview, focal point, alt text, tags, each network's crop, delete.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useState, type FormEvent } from "react";
import { ApiError } from "../api/client";
import { FocalPointPicker } from "./FocalPointPicker";
import { describe, MediaThumbnail } from "./MediaCard";
import {
  deleteMedia,
  formatBytes,
  getRendition,
  parseTags,
  updateMedia,
  type FocalPoint,
  type Media,
  type Surface,
} from "./api";

// The targets a user can preview, as the composer names them.
export const PREVIEW_TARGETS: { network: string; surface: Surface; label: string }[] = [
  { network: "instagram", surface: "feed", label: "Instagram feed" },
  { network: "instagram", surface: "story", label: "Instagram Story / Reel cover" },
  { network: "facebook", surface: "feed", label: "Facebook" },
  { network: "facebook", surface: "story", label: "Facebook Story" },
  { network: "x", surface: "feed", label: "X" },
  { network: "linkedin", surface: "feed", label: "LinkedIn" },
  { network: "pinterest", surface: "feed", label: "Pinterest" },
  { network: "bluesky", surface: "feed", label: "Bluesky" },
  { network: "threads", surface: "feed", label: "Threads" },
  { network: "mastodon", surface: "feed", label: "Mastodon" },
  { network: "tiktok", surface: "feed", label: "TikTok photo post" },
];

function fieldMessage(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.fieldMessage(field) : undefined;
}

/** The file one network receives for `media` (the composer shows one per network tab). */
export function RenditionPreview({
  workspaceId,
  media,
  network,
  surface = "feed",
  label,
}: {
  workspaceId: string;
  media: Media;
  network: string;
  surface?: Surface;
  label: string;
}) {
  const focal = `${media.focal_point.x},${media.focal_point.y}`;
  const rendition = useQuery({
    queryKey: ["media", workspaceId, media.id, "rendition", network, surface, focal],
    queryFn: () => getRendition(workspaceId, media.id, network, surface),
  });
  if (rendition.isPending) return <p className="muted">Preparing the preview…</p>;
  if (rendition.isError) {
    return (
      <p role="alert" className="form-error">
        {rendition.error.message}
      </p>
    );
  }
  const file = rendition.data;
  return (
    <figure className="rendition-preview">
      <img src={file.url} alt={`${label} preview`} data-testid="crop-preview" />
      <figcaption className="muted">
        {file.is_rendition ? "Cropped and resized to" : "Sent as it is:"} {file.width}×{file.height},{" "}
        {formatBytes(file.size)}
      </figcaption>
    </figure>
  );
}

export function CropPreview({ workspaceId, media }: { workspaceId: string; media: Media }) {
  const [target, setTarget] = useState(0);
  const id = useId();
  const { network, surface, label } = PREVIEW_TARGETS[target];
  return (
    <section className="crop-preview" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>What each network receives</h3>
      <label htmlFor={id}>Network</label>
      <select id={id} value={target} onChange={(e) => setTarget(Number(e.target.value))}>
        {PREVIEW_TARGETS.map((t, index) => (
          <option key={t.label} value={index}>
            {t.label}
          </option>
        ))}
      </select>
      <RenditionPreview workspaceId={workspaceId} media={media} network={network} surface={surface} label={label} />
    </section>
  );
}

export function MediaDetails({
  workspaceId,
  media,
  canEdit,
  onClose,
}: {
  workspaceId: string;
  media: Media;
  canEdit: boolean;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [altText, setAltText] = useState(media.alt_text ?? "");
  const [tags, setTags] = useState(media.tags.join(", "));
  const [focal, setFocal] = useState<FocalPoint>(media.focal_point);
  const [confirming, setConfirming] = useState(false);
  const altId = useId();
  const tagsId = useId();

  useEffect(() => {
    setAltText(media.alt_text ?? "");
    setTags(media.tags.join(", "));
    setFocal(media.focal_point);
    setConfirming(false);
  }, [media]);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ["media", workspaceId] });
  const save = useMutation({
    mutationFn: () =>
      updateMedia(workspaceId, media.id, { alt_text: altText.trim() || null, tags: parseTags(tags), focal_point: focal }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => deleteMedia(workspaceId, media.id),
    onSuccess: () => {
      void refresh();
      onClose();
    },
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  const isPicture = media.status === "ready" && (media.kind === "image" || media.kind === "gif") && media.url;
  return (
    <aside className="media-details" aria-label={`Details of ${media.filename}`}>
      <header>
        <h2>{media.filename}</h2>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <p className="muted">{media.status === "ready" ? describe(media) : media.status}</p>
      {media.failure_reason && (
        <p role="alert" className="form-error">
          {media.failure_reason}
        </p>
      )}
      {isPicture ? (
        <FocalPointPicker
          src={media.url!}
          alt={media.alt_text ?? ""}
          value={focal}
          onChange={setFocal}
          disabled={!canEdit}
        />
      ) : (
        <div className="media-thumb large">
          {media.kind === "video" && media.url ? (
            <video src={media.url} controls preload="metadata" aria-label={media.filename} />
          ) : (
            <MediaThumbnail media={media} />
          )}
        </div>
      )}
      <form onSubmit={submit} className="stack-form">
        <div className="field">
          <label htmlFor={altId}>Alt text</label>
          <textarea
            id={altId}
            value={altText}
            rows={3}
            maxLength={2000}
            disabled={!canEdit}
            onChange={(e) => setAltText(e.target.value)}
            aria-invalid={fieldMessage(save.error, "alt_text") ? true : undefined}
            placeholder="Describe the image for people who cannot see it"
          />
          {fieldMessage(save.error, "alt_text") && <p className="field-error">{fieldMessage(save.error, "alt_text")}</p>}
        </div>
        <div className="field">
          <label htmlFor={tagsId}>Tags (separated by commas)</label>
          <input id={tagsId} value={tags} disabled={!canEdit} onChange={(e) => setTags(e.target.value)} />
          {fieldMessage(save.error, "tags") && <p className="field-error">{fieldMessage(save.error, "tags")}</p>}
        </div>
        {save.error && !(save.error instanceof ApiError && save.error.details.length) && (
          <p role="alert" className="form-error">
            {save.error.message}
          </p>
        )}
        {canEdit && (
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
        )}
        {save.isSuccess && !save.isPending && <span role="status"> Saved</span>}
      </form>
      {isPicture && <CropPreview workspaceId={workspaceId} media={{ ...media, focal_point: save.data?.focal_point ?? media.focal_point }} />}
      {media.used_by.length > 0 && (
        <p className="muted">Used by scheduled posts: {media.used_by.join(", ")}</p>
      )}
      {canEdit &&
        (confirming ? (
          <div className="confirm">
            <p>Delete {media.filename} and its crops? This cannot be undone.</p>
            <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
              Delete
            </button>{" "}
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
            {remove.error && (
              <p role="alert" className="form-error">
                {remove.error.message}
              </p>
            )}
          </div>
        ) : (
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        ))}
    </aside>
  );
}
