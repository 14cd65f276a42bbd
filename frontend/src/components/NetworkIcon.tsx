// Each network's mark and colour, drawn here (simplified marks, no trademark files), so
// accounts, calendar chips, filters and previews show a network the same way everywhere.
import type { ReactNode } from "react";

/** The network ids the API uses (chalicelib/networks/registry.py), in its order. */
export const NETWORK_IDS = [
  "x",
  "facebook",
  "instagram",
  "linkedin",
  "tiktok",
  "youtube",
  "pinterest",
  "threads",
  "bluesky",
  "mastodon",
] as const;

export type NetworkId = (typeof NETWORK_IDS)[number];

interface NetworkLook {
  label: string;
  /** The brand colour: every one differs and is at least 3:1 against white (a graphic on
   * the page), most at 4.5:1, so it can also colour a chip's text or border. */
  color: string;
  /** The mark in a 24×24 box: `fg` is the brand colour (or white on a badge), `cut` what
   * shows through the mark (white, or the brand colour on a badge). */
  draw: (fg: string, cut: string) => ReactNode;
}

const LOOKS: Record<NetworkId, NetworkLook> = {
  x: {
    label: "X",
    color: "#0f1419",
    draw: (fg) => (
      <g fill={fg}>
        <path d="M3.6 3.5h5.2l11.6 17H15.2z" />
        <path d="M18.3 3.5h2.2l-6.4 7.3-1.2-1.6zM5.7 20.5H3.5l6.6-7.5 1.2 1.6z" />
      </g>
    ),
  },
  facebook: {
    label: "Facebook",
    color: "#1877f2",
    draw: (fg, cut) => (
      <>
        <circle cx="12" cy="12" r="10" fill={fg} />
        <path
          fill={cut}
          d="M13.4 22v-7.4h2.5l.4-2.9h-2.9V9.9c0-.8.3-1.4 1.5-1.4h1.5V5.9c-.3 0-1.2-.1-2.2-.1-2.2 0-3.6 1.3-3.6 3.7v2.2H8.1v2.9h2.5V22z"
        />
      </>
    ),
  },
  instagram: {
    label: "Instagram",
    color: "#d62976",
    draw: (fg) => (
      <g fill="none" stroke={fg} strokeWidth="2.2">
        <rect x="3" y="3" width="18" height="18" rx="5.2" />
        <circle cx="12" cy="12" r="4.1" />
        <circle cx="17.3" cy="6.7" r=".6" fill={fg} strokeWidth="1" />
      </g>
    ),
  },
  linkedin: {
    label: "LinkedIn",
    color: "#0a66c2",
    draw: (fg, cut) => (
      <>
        <rect x="2.5" y="2.5" width="19" height="19" rx="3" fill={fg} />
        <g fill={cut}>
          <circle cx="7.6" cy="7.5" r="1.6" />
          <rect x="6.2" y="10" width="2.8" height="8.5" />
          <path d="M11 10h2.7v1.2c.5-.8 1.5-1.4 2.9-1.4 2.2 0 3.1 1.4 3.1 3.8v4.9h-2.8v-4.4c0-1.2-.3-2-1.4-2-1.1 0-1.7.8-1.7 2v4.4H11z" />
        </g>
      </>
    ),
  },
  tiktok: {
    label: "TikTok",
    color: "#00796b",
    draw: (fg) => (
      <path
        fill={fg}
        d="M13.2 2.5h3.2c.2 2.3 1.8 4 4.1 4.2v3.2c-1.5 0-2.9-.4-4.1-1.2v6.5a6.1 6.1 0 1 1-6.1-6.1c.3 0 .6 0 .9.1v3.3a2.9 2.9 0 1 0 2 2.7z"
      />
    ),
  },
  youtube: {
    label: "YouTube",
    color: "#e00000",
    draw: (fg, cut) => (
      <>
        <rect x="1.5" y="5" width="21" height="14" rx="4.2" fill={fg} />
        <path fill={cut} d="M10 8.8v6.4l5.6-3.2z" />
      </>
    ),
  },
  pinterest: {
    label: "Pinterest",
    color: "#bd081c",
    draw: (fg, cut) => (
      <>
        <circle cx="12" cy="12" r="10" fill={fg} />
        <path
          fill={cut}
          d="M12.4 5.6c-3.7 0-5.6 2.6-5.6 4.8 0 1.3.5 2.5 1.6 2.9l.4-1.2c-.3-.4-.5-.9-.5-1.6 0-2.1 1.6-3.8 4-3.8 2.2 0 3.4 1.3 3.4 3.1 0 2.4-1 4.3-2.6 4.3-.8 0-1.5-.7-1.3-1.6.3-1 .8-2.2.8-2.9 0-.7-.4-1.2-1.1-1.2-.9 0-1.6.9-1.6 2.1 0 .8.3 1.3.3 1.3l-1.3 5.4c-.2.9-.2 2 0 2.9h.5c.5-.7 1.1-1.8 1.3-2.6l.5-1.9c.3.5 1.1 1 2 1 2.6 0 4.4-2.4 4.4-5.6 0-2.5-2.1-4.8-5.2-4.8z"
        />
      </>
    ),
  },
  threads: {
    label: "Threads",
    color: "#5c5c66",
    draw: (fg) => (
      <g fill="none" stroke={fg} strokeWidth="2.2" strokeLinecap="round">
        <circle cx="12" cy="12" r="3.4" />
        <path d="M15.4 11.3v1.9c0 1.6 1 2.5 2.3 2.5 1.4 0 2.4-1.2 2.4-3.7a8.1 8.1 0 1 0-3.3 6.5" />
      </g>
    ),
  },
  bluesky: {
    label: "Bluesky",
    color: "#0284c7",
    draw: (fg) => (
      <path
        fill={fg}
        d="M12 10.9C10.5 7.9 6.6 3.4 4.2 3.4c-1.8 0-1.6 2.3-1.3 4.1.4 2.3 2.2 3.6 5.2 3.3-3.3.6-4.2 2.5-2.3 4.4 3.1 3.1 4.6-.3 6.2-3.3 1.6 3 3.1 6.4 6.2 3.3 1.9-1.9 1-3.8-2.3-4.4 3 .3 4.8-1 5.2-3.3.3-1.8.5-4.1-1.3-4.1-2.4 0-6.3 4.5-7.8 7.5z"
      />
    ),
  },
  mastodon: {
    label: "Mastodon",
    color: "#6364ff",
    draw: (fg, cut) => (
      <>
        <path
          fill={fg}
          d="M12 2.5c-3.3 0-6.4.4-7.6 2.2-.8 1.1-.9 3.2-.9 5.7 0 4.2.3 7.4 3.6 8.7 1.9.7 4 .9 5.9.4.7-.2 1.3-.4 1.9-.7v-1.9c-1.4.4-3 .6-4.4.4-1.4-.2-2.2-1-2.3-2.1 2.3.5 4.8.6 6.8.4 3.5-.4 5.4-2.2 5.6-5.1.1-1.1.1-2.5.1-3.4 0-3.1-1.3-4.9-6.7-5.4-.7-.1-1.3-.2-2-.2z"
        />
        <path
          fill="none"
          stroke={cut}
          strokeWidth="1.7"
          d="M7.9 13.3V9.5a1.8 1.8 0 0 1 3.6 0v2.7m0 0V9.5a1.8 1.8 0 0 1 3.6 0v3.8"
        />
      </>
    ),
  },
};

function look(id: string): NetworkLook | undefined {
  return (LOOKS as Record<string, NetworkLook | undefined>)[id];
}

/** The network's brand colour (a neutral grey for an id this build does not know). */
export function networkColor(id: string): string {
  return look(id)?.color ?? "#6b6b80";
}

/** The network's proper name: "X", "LinkedIn", "YouTube", "TikTok"… */
export function networkLabel(id: string): string {
  return look(id)?.label ?? (id ? id.charAt(0).toUpperCase() + id.slice(1) : "");
}

/**
 * A network's mark, in its colour. Decorative (aria-hidden) unless `label` is given, then
 * an image named `label`. `variant="badge"`: the mark in white on a rounded square of the
 * brand colour (for a corner of an avatar or a small chip on a coloured background).
 */
export function NetworkIcon({
  network,
  size = 16,
  label,
  variant = "mark",
  className,
}: {
  network: string;
  size?: number;
  label?: string;
  variant?: "mark" | "badge";
  className?: string;
}) {
  const found = look(network);
  const color = networkColor(network);
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": true as const };
  const classes = ["network-icon", `network-icon-${network}`, className].filter(Boolean).join(" ");
  return (
    <svg
      className={classes}
      data-network={network}
      viewBox="0 0 24 24"
      width={size}
      height={size}
      focusable="false"
      {...a11y}
    >
      {variant === "badge" ? (
        <>
          <rect width="24" height="24" rx="6" fill={color} />
          <g transform="translate(4 4) scale(.6667)">{found ? found.draw("#fff", color) : <Unknown fg="#fff" />}</g>
        </>
      ) : found ? (
        found.draw(color, "#fff")
      ) : (
        <Unknown fg={color} />
      )}
    </svg>
  );
}

function Unknown({ fg }: { fg: string }) {
  return <circle cx="12" cy="12" r="8" fill="none" stroke={fg} strokeWidth="2.5" />;
}

/** Every network's mark and name, e.g. as a calendar's key to its chip colours. */
export function NetworkLegend({ networks = NETWORK_IDS, title = "Networks" }: { networks?: readonly string[]; title?: string }) {
  return (
    <ul className="network-legend" aria-label={title}>
      {networks.map((id) => (
        <li key={id} style={{ ["--network-color" as string]: networkColor(id) }}>
          <NetworkIcon network={id} size={14} />
          <span>{networkLabel(id)}</span>
        </li>
      ))}
    </ul>
  );
}
