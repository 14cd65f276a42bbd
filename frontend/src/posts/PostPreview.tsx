// One network's rendering of the post being written.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";
import type { Account } from "../accounts/api";
import type { Media } from "../media/api";
import type { Network } from "./api";
import { cropRatio, firstLink, truncate } from "./preview";

/** What a preview needs of a media item (a client review page has no library to ask). */
export type PreviewMedia = Pick<Media, "id" | "url" | "thumbnail_url" | "alt_text" | "width" | "height" | "focal_point"> & {
  filename?: string;
};

interface AspectBounds {
  min_aspect_ratio?: number | null;
  max_aspect_ratio?: number | null;
}

export function PostPreview({
  workspaceId,
  account,
  network,
  text,
  mediaIds,
  media,
}: {
  workspaceId: string;
  account: Pick<Account, "network" | "display_name" | "handle" | "avatar_url">;
  network: Network;
  text: string;
  mediaIds: string[];
  /** The media themselves, when they are not to be read from the workspace's library. */
  media?: PreviewMedia[];
}) {
  const { shown, cut } = truncate(text, network.limits.text);
  const link = firstLink(shown);
  const images = (network.limits as { images?: AspectBounds | null }).images ?? null;
  const maxMedia = network.limits.max_media || mediaIds.length;
  return (
    <article className={`preview network-${account.network}`} aria-label={`Preview on ${network.name}`}>
      <header>
        {account.avatar_url ? <img className="avatar" src={account.avatar_url} alt="" width={32} height={32} /> : <span className="avatar" aria-hidden="true" />}
        <strong>{account.display_name}</strong> {account.handle && <span className="muted">@{account.handle}</span>}
      </header>
      <p className="preview-text">
        {shown || <span className="muted">(no text)</span>}
        {cut && <span className="cut" title={`${network.name} stops at ${network.limits.text.max_length}`}>… (cut at the limit)</span>}
      </p>
      {mediaIds.length > 0 && (
        <div className={`preview-media count-${Math.min(mediaIds.length, maxMedia)}`}>
          {mediaIds.slice(0, maxMedia).map((id) =>
            media ? (
              <PreviewPicture key={id} item={media.find((m) => m.id === id)} bounds={images} />
            ) : (
              <PreviewImage key={id} workspaceId={workspaceId} mediaId={id} bounds={images} />
            ),
          )}
        </div>
      )}
      {mediaIds.length === 0 && link && (
        <a className="link-card" href={link.url} target="_blank" rel="noreferrer">
          <span className="link-host">{link.host}</span>
          <span className="link-path">{link.path || link.url}</span>
        </a>
      )}
    </article>
  );
}

function PreviewImage({ workspaceId, mediaId, bounds }: { workspaceId: string; mediaId: string; bounds: AspectBounds | null }) {
  const media = useQuery({
    queryKey: ["media", workspaceId, mediaId],
    queryFn: () => api<Media>(`/v1/workspaces/${workspaceId}/media/${mediaId}`),
  });
  return <PreviewPicture item={media.data} bounds={bounds} />;
}

function PreviewPicture({ item, bounds }: { item: PreviewMedia | undefined; bounds: AspectBounds | null }) {
  if (!item) return <div className="preview-image placeholder" aria-hidden="true" />;
  const source = item.thumbnail_url ?? item.url;
  const ratio = item.width && item.height ? cropRatio(item.width, item.height, bounds?.min_aspect_ratio, bounds?.max_aspect_ratio) : 1;
  return source ? (
    <img
      className="preview-image"
      src={source}
      alt={item.alt_text ?? item.filename ?? ""}
      style={{ aspectRatio: String(ratio), objectPosition: `${item.focal_point.x * 100}% ${item.focal_point.y * 100}%` }}
    />
  ) : (
    <div className="preview-image placeholder">{item.filename ?? ""}</div>
  );
}
