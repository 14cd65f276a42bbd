// The analytics API's answers (/v1/workspaces/{ws}/analytics/...), as the shared contract
// of issue 20 gives them. A metric that is null is one no network in scope gives: the page
// says so ("Not available on Bluesky"), never 0.

export interface Totals {
  posts_published: number;
  posts_failed: number;
  impressions: number | null;
  reach: number | null;
  engagements: number | null;
  likes: number | null;
  comments: number | null;
  shares: number | null;
  saves: number | null;
  clicks: number | null;
  engagement_rate: number | null;
  /** What the rate divides by: impressions, or followers where a network gives none. */
  engagement_rate_basis: "impressions" | "followers" | null;
  followers: number | null;
  followers_change: number | null;
}

export interface NetworkBreakdown {
  network: string;
  name: string;
  totals: Totals;
  previous_totals: Totals;
  unavailable: string[];
}

export interface AccountBreakdown {
  account_id: string;
  network: string;
  display_name: string;
  handle: string | null;
  avatar_url: string | null;
  totals: Totals;
  previous_totals: Totals;
  unavailable: string[];
}

export interface SeriesPoint {
  date: string;
  posts: number;
  impressions: number | null;
  engagements: number | null;
  followers: number | null;
}

export interface Summary {
  from: string;
  to: string;
  timezone: string;
  previous: { from: string; to: string };
  /** Set when the period before was cut to the plan's analytics history depth. */
  previous_limited?: { requested_from: string; earliest: string; history_days: number | null; plan: string | null; message: string } | null;
  totals: Totals;
  previous_totals: Totals;
  networks: NetworkBreakdown[];
  accounts: AccountBreakdown[];
  series: SeriesPoint[];
}

export interface TargetMetrics {
  target_id: string;
  account_id: string;
  network: string;
  url: string | null;
  published_at: string;
  /** "collecting" while refreshes are planned, "done" after the last, "paused" while the
   * account needs reconnecting. */
  state: string;
  metrics: Record<string, number | null>;
  unavailable: string[];
  snapshots: { at: string; values: Record<string, number> }[];
}

export interface PostMetricsAnswer {
  post_id: string;
  targets: TargetMetrics[];
}

export const TOP_METRICS = [
  "engagements",
  "impressions",
  "engagement_rate",
  "likes",
  "comments",
  "shares",
  "saves",
  "clicks",
] as const;
export type TopMetric = (typeof TOP_METRICS)[number];

export interface TopPost {
  post_id: string;
  target_id: string;
  account_id: string;
  network: string;
  excerpt: string;
  thumbnail_url: string | null;
  url: string | null;
  published_at: string;
  value: number | null;
  metrics: Record<string, number | null>;
}

export interface TopPosts {
  metric: TopMetric;
  items: TopPost[];
}

export interface BestSlot {
  weekday: number; // 0 = Monday
  hour: number;
  expected_engagement_rate: number;
  posts: number;
  confidence: "high" | "medium" | "low";
}

export interface BestTimes {
  account_id: string;
  network: string;
  timezone: string;
  /** "prior": too little history yet, the network's usual good times. */
  source: "account" | "prior";
  posts_considered: number;
  message: string | null;
  slots: BestSlot[];
  /** 7 rows (Monday first) of 24 hours: expected engagement rate, null where unknown. */
  heatmap: (number | null)[][];
}

export interface SuggestedSlot {
  at: string;
  timezone: string;
  account_ids: string[];
  expected_engagement_rate: number | null;
  source: "account" | "prior" | string;
}
