// One network's rendering of the post being written, laid out as that network shows a post:
// an X/Threads/Bluesky/Mastodon card, a LinkedIn or Facebook post, an Instagram square with
// where it lands in the profile grid, a Pinterest pin, a TikTok or YouTube frame.
import { useQuery } from "@tanstack/react-query";
import {
  ChartNoAxesColumn,
  Bookmark,
  Globe,
  Heart,
  MessageCircle,
  Ellipsis,
  Play,
  Repeat2,
  Send,
  Share2,
  Star,
  ThumbsUp,
  type LucideIcon,
} from "lucide-react";
import { useState, type ReactNode } from "react";
import { api } from "../api/client";
import type { Account } from "../accounts/api";
import { NetworkIcon, networkColor, networkLabel } from "../components/NetworkIcon";
import type { Media } from "../media/api";
import type { Network } from "./api";
import { cropRatio, entities, firstLink, initials, titleLine, truncate } from "./preview";
import "./preview.css";

/** What a preview needs of a media item (a client review page has no library to ask). */
export type PreviewMedia = Pick<Media, "id" | "url" | "thumbnail_url" | "alt_text" | "width" | "height" | "focal_point"> & {
  filename?: string;
};

interface AspectBounds {
  min_aspect_ratio?: number | null;
  max_aspect_ratio?: number | null;
}

type PreviewAccount = Pick<Account, "network" | "display_name" | "handle" | "avatar_url">;

/** How each network lays a post out; an unknown network gets the short-post card. */
const LAYOUTS: Record<string, "card" | "linkedin" | "facebook" | "instagram" | "pinterest" | "tiktok" | "youtube"> = {
  x: "card",
  threads: "card",
  bluesky: "card",
  mastodon: "card",
  linkedin: "linkedin",
  facebook: "facebook",
  instagram: "instagram",
  pinterest: "pinterest",
  tiktok: "tiktok",
  youtube: "youtube",
};

// The action row under a short post, per network (icons only: the words are the networks').
const CARD_ACTIONS: Record<string, LucideIcon[]> = {
  x: [MessageCircle, Repeat2, Heart, ChartNoAxesColumn],
  threads: [Heart, MessageCircle, Repeat2, Send],
  bluesky: [MessageCircle, Repeat2, Heart, Ellipsis],
  mastodon: [MessageCircle, Repeat2, Star, Bookmark],
};

export function PostPreview({
  workspaceId,
  account,
  network,
  text,
  mediaIds,
  media,
}: {
  workspaceId: string;
  account: PreviewAccount;
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
  const shownIds = mediaIds.slice(0, maxMedia);
  const layout = LAYOUTS[account.network] ?? "card";
  const name = account.display_name || account.handle || networkLabel(account.network);
  const handle = account.handle ? (account.handle.startsWith("@") ? account.handle : `@${account.handle}`) : null;

  const picture = (id: string, square = false) =>
    media ? (
      <PreviewPicture key={id} item={media.find((m) => m.id === id)} bounds={square ? SQUARE : images} />
    ) : (
      <PreviewImage key={id} workspaceId={workspaceId} mediaId={id} bounds={square ? SQUARE : images} />
    );
  const body = (
    <p className="np-text">
      {shown ? <RichText text={shown} /> : <span className="np-muted">(no text)</span>}
      {cut && (
        <span className="np-cut" title={`${network.name} stops at ${network.limits.text.max_length}`}>
          … (cut at the limit)
        </span>
      )}
    </p>
  );
  const gallery = shownIds.length > 0 && (
    <div className={`np-media count-${Math.min(shownIds.length, 4)}`}>{shownIds.slice(0, 4).map((id) => picture(id))}</div>
  );
  const linkCard = shownIds.length === 0 && link && (
    <a className="np-link-card" href={link.url} target="_blank" rel="noreferrer">
      <span className="np-link-host">{link.host}</span>
      <span className="np-link-path">{link.path || link.url}</span>
    </a>
  );
  const avatar = (size: number) => <Avatar account={account} name={name} size={size} />;

  let content: ReactNode;
  switch (layout) {
    case "linkedin":
    case "facebook":
      content = (
        <>
          <header className="np-head">
            {avatar(layout === "linkedin" ? 44 : 40)}
            <div className="np-who">
              <strong className="np-name">{name}</strong>
              <span className="np-meta">
                {layout === "linkedin" && handle ? `${handle} · ` : ""}Just now · <Globe aria-hidden="true" size={12} />
              </span>
            </div>
            <Ellipsis className="np-more" aria-hidden="true" size={18} />
          </header>
          {body}
          {gallery && <div className="np-bleed">{gallery}</div>}
          {linkCard}
          <ActionRow
            words
            actions={
              layout === "linkedin"
                ? [
                    [ThumbsUp, "Like"],
                    [MessageCircle, "Comment"],
                    [Repeat2, "Repost"],
                    [Send, "Send"],
                  ]
                : [
                    [ThumbsUp, "Like"],
                    [MessageCircle, "Comment"],
                    [Share2, "Share"],
                  ]
            }
          />
        </>
      );
      break;
    case "instagram":
      content = (
        <>
          <header className="np-head np-head-compact">
            {avatar(32)}
            <strong className="np-name">{account.handle ?? name}</strong>
            <Ellipsis className="np-more" aria-hidden="true" size={18} />
          </header>
          <div className="np-bleed np-square">
            {shownIds.length > 0 ? picture(shownIds[0], true) : <div className="np-placeholder">Instagram needs an image or a video</div>}
            {shownIds.length > 1 && <span className="np-count">1/{shownIds.length}</span>}
          </div>
          <ActionRow actions={[[Heart], [MessageCircle], [Send]]} trailing={Bookmark} />
          <p className="np-text">
            <strong className="np-name">{account.handle ?? name}</strong>{" "}
            {shown ? <RichText text={shown} /> : <span className="np-muted">(no caption)</span>}
            {cut && <span className="np-cut">… (cut at the limit)</span>}
          </p>
          <ProfileGrid first={shownIds[0] ? picture(shownIds[0], true) : null} />
        </>
      );
      break;
    case "pinterest": {
      // A pin's title is the text's first line when more lines follow as its description.
      const [first, ...rest] = shown.split("\n");
      const described = rest.join("\n").trim();
      content = (
        <>
          <div className="np-pin">{shownIds.length > 0 ? picture(shownIds[0]) : <div className="np-placeholder">A pin needs an image</div>}</div>
          {described && <strong className="np-pin-title">{titleLine(first)}</strong>}
          {described ? (
            <p className="np-text">
              <RichText text={described} />
              {cut && <span className="np-cut">… (cut at the limit)</span>}
            </p>
          ) : (
            body
          )}
          <footer className="np-head np-head-compact">
            {avatar(28)}
            <span className="np-name">{name}</span>
          </footer>
        </>
      );
      break;
    }
    case "tiktok":
      content = (
        <div className="np-tiktok">
          {shownIds.length > 0 ? picture(shownIds[0]) : <div className="np-placeholder">TikTok needs a video</div>}
          <div className="np-tiktok-side" aria-hidden="true">
            {avatar(36)}
            <Heart size={22} />
            <MessageCircle size={22} />
            <Bookmark size={22} />
            <Share2 size={22} />
          </div>
          <div className="np-tiktok-caption">
            <strong className="np-name">{handle ?? name}</strong>
            {body}
          </div>
        </div>
      );
      break;
    case "youtube":
      content = (
        <>
          <div className="np-bleed np-video">
            {shownIds.length > 0 ? picture(shownIds[0]) : <div className="np-placeholder">YouTube needs a video</div>}
            <span className="np-play" aria-hidden="true">
              <Play size={20} fill="currentColor" />
            </span>
          </div>
          <div className="np-head np-youtube">
            {avatar(36)}
            <div className="np-who">
              <strong className="np-yt-title">{shown ? <RichText text={titleLine(shown)} /> : "(no title)"}</strong>
              <span className="np-meta">{name} · No views · Just now</span>
            </div>
          </div>
        </>
      );
      break;
    default:
      content = (
        <div className="np-card">
          {avatar(40)}
          <div className="np-card-main">
            <header className="np-card-head">
              <strong className="np-name">{name}</strong>
              {handle && <span className="np-muted">{handle}</span>}
              <span className="np-muted">· now</span>
            </header>
            {body}
            {gallery}
            {linkCard}
            <ActionRow actions={(CARD_ACTIONS[account.network] ?? CARD_ACTIONS.x).map((icon) => [icon])} spread />
          </div>
        </div>
      );
  }

  return (
    <article
      className={`preview np np-${layout} network-${account.network}`}
      aria-label={`Preview on ${network.name}`}
      style={{ ["--network-color" as string]: networkColor(account.network) }}
    >
      <div className="np-network">
        <NetworkIcon network={account.network} size={14} />
        <span>{networkLabel(account.network)}</span>
      </div>
      {content}
    </article>
  );
}

const SQUARE: AspectBounds = { min_aspect_ratio: 1, max_aspect_ratio: 1 };

/** The account's picture with the network's badge on its corner, or its initials. */
function Avatar({ account, name, size }: { account: PreviewAccount; name: string; size: number }) {
  // A picture that does not load (an expired CDN link) gives way to the initials.
  const [broken, setBroken] = useState<string | null>(null);
  return (
    <span className="np-avatar" style={{ width: size, height: size }}>
      {account.avatar_url && broken !== account.avatar_url ? (
        <img src={account.avatar_url} alt="" width={size} height={size} onError={() => setBroken(account.avatar_url)} />
      ) : (
        <span className="np-initials" aria-hidden="true" style={{ fontSize: size * 0.38 }}>
          {initials(name)}
        </span>
      )}
      <NetworkIcon className="np-avatar-badge" network={account.network} size={Math.max(14, Math.round(size * 0.4))} variant="badge" />
    </span>
  );
}

function RichText({ text }: { text: string }) {
  return (
    <>
      {entities(text).map((run, index) =>
        run.kind === "text" ? run.value : (
          <span key={index} className={`np-entity np-${run.kind}`}>
            {run.value}
          </span>
        ),
      )}
    </>
  );
}

function ActionRow({
  actions,
  words = false,
  spread = false,
  trailing: Trailing,
}: {
  actions: [LucideIcon, string?][];
  words?: boolean;
  spread?: boolean;
  trailing?: LucideIcon;
}) {
  return (
    <div className={`np-actions${words ? " np-actions-words" : ""}${spread ? " np-actions-spread" : ""}`} aria-hidden="true">
      {actions.map(([Icon, word], index) => (
        <span key={index}>
          <Icon size={words ? 16 : 18} />
          {words && word}
        </span>
      ))}
      {Trailing && <Trailing className="np-trailing" size={18} />}
    </div>
  );
}

/** Instagram's profile grid, three by three: the new post lands first, before the older ones. */
function ProfileGrid({ first }: { first: ReactNode }) {
  return (
    <figure className="np-grid">
      <div className="np-grid-tiles" aria-hidden="true">
        <div className="np-grid-tile np-grid-new">{first}</div>
        {Array.from({ length: 8 }, (_, index) => (
          <div key={index} className="np-grid-tile" />
        ))}
      </div>
      <figcaption>In the profile grid</figcaption>
    </figure>
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
  if (!item) return <div className="np-image np-placeholder" aria-hidden="true" />;
  const source = item.thumbnail_url ?? item.url;
  const ratio = item.width && item.height ? cropRatio(item.width, item.height, bounds?.min_aspect_ratio, bounds?.max_aspect_ratio) : 1;
  return source ? (
    <img
      className="np-image"
      src={source}
      alt={item.alt_text ?? item.filename ?? ""}
      style={{ aspectRatio: String(ratio), objectPosition: `${item.focal_point.x * 100}% ${item.focal_point.y * 100}%` }}
    />
  ) : (
    <div className="np-image np-placeholder">{item.filename ?? ""}</div>
  );
}
