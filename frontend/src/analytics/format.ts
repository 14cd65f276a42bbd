// Numbers as the Analytics page writes them: counts, rates, the change from the previous
// period, and a metric no network in scope gives ("Not available on Bluesky"), never 0.
import { networkLabel } from "../components/NetworkIcon";
import type { Totals } from "./types";

export type MetricKind = "count" | "rate";

/** The metrics shown as headline cards, in the order a user reads them. */
export const HEADLINE: { key: keyof Totals; label: string; kind: MetricKind }[] = [
  { key: "impressions", label: "Impressions", kind: "count" },
  { key: "engagements", label: "Engagements", kind: "count" },
  { key: "engagement_rate", label: "Engagement rate", kind: "rate" },
  { key: "followers", label: "Followers", kind: "count" },
  { key: "posts_published", label: "Posts published", kind: "count" },
];

export const METRIC_LABELS: Record<string, string> = {
  impressions: "Impressions",
  views: "Views",
  reach: "Reach",
  engagements: "Engagements",
  engagement_rate: "Engagement rate",
  likes: "Likes",
  comments: "Comments",
  shares: "Shares",
  saves: "Saves",
  clicks: "Clicks",
  quotes: "Quotes",
  followers: "Followers",
  posts_published: "Posts published",
};

/** "Impressions", or the key made readable when the network has a name of its own. */
export function metricLabel(key: string): string {
  return METRIC_LABELS[key] ?? (key.charAt(0).toUpperCase() + key.slice(1)).replace(/_/g, " ");
}

const whole = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/** 1,234 up to 9,999; then 12.3K, 4.5M (a card has room for a few characters). */
export function formatCount(value: number): string {
  return Math.abs(value) < 10_000 ? whole.format(value) : compact.format(value);
}

/** 0.0312 → "3.1%"; small rates keep two decimals ("0.08%"), so they do not read as 0. */
export function formatRate(rate: number): string {
  const percent = rate * 100;
  const digits = percent !== 0 && Math.abs(percent) < 1 ? 2 : 1;
  return `${percent.toFixed(digits)}%`;
}

export function formatMetric(value: number, kind: MetricKind): string {
  return kind === "rate" ? formatRate(value) : formatCount(value);
}

/** A list in words: "X", "X and Bluesky", "X, Bluesky and Mastodon". */
export function listWords(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** What a null metric says: which networks do not give it. */
export function notAvailable(networks: string[], name: (id: string) => string = networkLabel): string {
  const names = [...new Set(networks.map(name))];
  return names.length ? `Not available on ${listWords(names)}` : "Not available";
}

export type Direction = "up" | "down" | "flat";

export interface Delta {
  /** "+12%", "−4%", "+0.4 pts", "New", "No change" */
  text: string;
  direction: Direction;
  /** The same in words, for screen readers: "up 12% on the previous period". */
  spoken: string;
}

const MINUS = "−";

/**
 * The change from the previous period: a percentage for counts, percentage points for a
 * rate. Null when either side is unknown (a metric not given, nothing to compare with).
 */
export function delta(current: number | null, previous: number | null, kind: MetricKind): Delta | null {
  if (current === null || previous === null || Number.isNaN(current) || Number.isNaN(previous)) return null;
  if (kind === "rate") {
    const points = (current - previous) * 100;
    if (Math.abs(points) < 0.05) return { text: "No change", direction: "flat", spoken: "no change on the previous period" };
    const size = Math.abs(points).toFixed(1);
    const direction: Direction = points > 0 ? "up" : "down";
    return {
      text: `${points > 0 ? "+" : MINUS}${size} pts`,
      direction,
      spoken: `${direction} ${size} percentage points on the previous period`,
    };
  }
  if (previous === 0) {
    if (current === 0) return { text: "No change", direction: "flat", spoken: "no change on the previous period" };
    return { text: "New", direction: current > 0 ? "up" : "down", spoken: "none in the previous period" };
  }
  const ratio = (current - previous) / Math.abs(previous);
  if (Math.abs(ratio) < 0.005) return { text: "No change", direction: "flat", spoken: "no change on the previous period" };
  const percent = Math.abs(ratio) * 100;
  const size = percent >= 10 ? Math.round(percent).toString() : percent.toFixed(1);
  const direction: Direction = ratio > 0 ? "up" : "down";
  return { text: `${ratio > 0 ? "+" : MINUS}${size}%`, direction, spoken: `${direction} ${size}% on the previous period` };
}

/** A count's change written with its sign: "+12", "−3", "0". */
export function signed(value: number): string {
  if (value === 0) return "0";
  return `${value > 0 ? "+" : MINUS}${formatCount(Math.abs(value))}`;
}

/** The networks in `scope` that do not give `metric` (the breakdown's `unavailable`). */
export function missingOn(scope: { network: string; unavailable: string[] }[], metric: string): string[] {
  return [...new Set(scope.filter((s) => s.unavailable.includes(metric)).map((s) => s.network))];
}
