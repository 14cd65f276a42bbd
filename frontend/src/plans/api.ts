// Content plans (issue 24): the brand profile, posting rules, a month's brief, the plan the
// writer makes of them and its items. Types follow chalicelib/api/plans_models.py.
import { useQuery } from "@tanstack/react-query";
import { api, ApiError } from "../api/client";

export const FOCUSES = ["new_clients", "education", "community", "launch", "seasonal", "other"] as const;
export type Focus = (typeof FOCUSES)[number];
export const TONES = ["neutral", "educational", "promotional", "playful"] as const;
export type Tone = (typeof TONES)[number];
export const WINDOWS = ["morning", "afternoon", "evening"] as const;
export type Window = (typeof WINDOWS)[number];
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];

export interface BrandProfile {
  business_name: string;
  what_we_do: string;
  audience: string;
  voice: string;
  words_to_use: string[];
  words_to_avoid: string[];
  colours: string[];
  logo_media_id: string | null;
  logo_url: string | null;
  website: string | null;
  written_by: string;
}

export interface Brief {
  month: string;
  focus: Focus;
  focus_details: string;
  promotion: boolean;
  promotion_details: string;
  tone: Tone;
  pillars: string[];
  account_ids: string[];
}

export interface PostingRule {
  account_id: string | null;
  per_week: number;
  days: Day[];
  window: Window;
  use_best_times: boolean;
}

export type PlanStatus = "generating" | "ready" | "failed";
export type ItemStatus = "draft" | "approved" | "scheduled";

export interface ItemCaption {
  account_id: string;
  network: string;
  /** The caption as posted, hashtags included. */
  text: string;
  hashtags: string[];
  /** Posted as the first comment where the network has one (Instagram: the rest of its hashtags). */
  first_comment?: string | null;
  /** The text's length by the network's own count, and the network's limit on it. */
  count: number;
  limit: number;
}

export interface PlanItem {
  item_id: string;
  plan_id?: string;
  month?: string;
  kind: "post" | "promo";
  pillar: string;
  title: string;
  angle?: string;
  /** When it goes out: ISO 8601 with the offset of `timezone`. */
  slot: string | null;
  timezone?: string;
  /** The draft post it is (posts API). */
  post_id: string | null;
  /** draft; approved (waiting for the workspace's approvers); scheduled. */
  status: ItemStatus;
  post_status?: string | null;
  /** "offline" or "bedrock:<model id>". */
  writer: string | null;
  captions: ItemCaption[];
  media_id: string | null;
  image_template: string | null;
  headline: string | null;
  /** Why the last approval could not schedule it, in words. */
  problem?: string | null;
  version?: number;
}

export interface Plan {
  plan_id: string;
  month: string;
  status: PlanStatus;
  /** 0..100 */
  progress: number;
  writer: string | null;
  /** Why the plan failed, when it did. */
  error?: string | null;
  timezone?: string;
  created_at?: string;
  items: PlanItem[];
}

const base = (ws: string) => `/v1/workspaces/${ws}`;

/** A resource the workspace has not made yet (204, or a 404) reads as null. */
async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return (await request) ?? null;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export const keys = {
  brand: (ws: string) => ["brand", ws] as const,
  rules: (ws: string) => ["posting-rules", ws] as const,
  brief: (ws: string, month: string) => ["brief", ws, month] as const,
  plans: (ws: string, month: string) => ["plans", ws, month] as const,
  plan: (ws: string, planId: string) => ["plan", ws, planId] as const,
};

/** The saved brand profile, or null while there is none (a 404, or an empty answer). */
export function useBrand(ws: string) {
  return useQuery({
    queryKey: keys.brand(ws),
    queryFn: async () => {
      const profile = await orNull(api<BrandProfile | null>(`${base(ws)}/brand`));
      return profile && (profile.business_name || profile.website) ? profile : null;
    },
  });
}

export function saveBrand(ws: string, profile: BrandProfile): Promise<BrandProfile> {
  return api<BrandProfile>(`${base(ws)}/brand`, { method: "PUT", body: profile });
}

export function extractBrand(ws: string, url: string): Promise<BrandProfile> {
  return api<BrandProfile>(`${base(ws)}/brand/extract`, { method: "POST", body: { url } });
}

export function useRules(ws: string) {
  return useQuery({
    queryKey: keys.rules(ws),
    queryFn: async () => (await orNull(api<{ rules: PostingRule[] }>(`${base(ws)}/posting-rules`)))?.rules ?? [],
  });
}

export function saveRules(ws: string, rules: PostingRule[]): Promise<{ rules: PostingRule[] }> {
  return api<{ rules: PostingRule[] }>(`${base(ws)}/posting-rules`, { method: "PUT", body: { rules } });
}

export function useBrief(ws: string, month: string) {
  return useQuery({ queryKey: keys.brief(ws, month), queryFn: () => orNull(api<Brief>(`${base(ws)}/briefs/${month}`)) });
}

export function saveBrief(ws: string, brief: Brief): Promise<Brief> {
  return api<Brief>(`${base(ws)}/briefs/${brief.month}`, { method: "PUT", body: brief });
}

/** The month's plans, newest first (the page shows the newest). */
export function usePlans(ws: string, month: string) {
  return useQuery({
    queryKey: keys.plans(ws, month),
    queryFn: async () => {
      const found = await api<{ items: Plan[] }>(`${base(ws)}/plans?month=${month}`);
      return [...found.items].sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? ""));
    },
  });
}

/** One plan, read again every second while the writer is still at it. */
export function usePlan(ws: string, planId: string | null) {
  return useQuery({
    queryKey: keys.plan(ws, planId ?? ""),
    queryFn: () => api<Plan>(`${base(ws)}/plans/${planId}`),
    enabled: Boolean(planId),
    refetchInterval: (query) => (query.state.data?.status === "generating" ? 1000 : false),
  });
}

export function generatePlan(ws: string, month: string): Promise<Plan> {
  return api<Plan>(`${base(ws)}/plans`, { method: "POST", body: { month } });
}

export function patchItem(
  ws: string,
  planId: string,
  itemId: string,
  change: { version?: number; title?: string; headline?: string; slot?: string; captions?: { account_id: string; text: string }[] },
): Promise<PlanItem> {
  return api<PlanItem>(`${base(ws)}/plans/${planId}/items/${itemId}`, { method: "PATCH", body: change });
}

export function regenerateItem(ws: string, planId: string, itemId: string, part: "text" | "image"): Promise<PlanItem> {
  return api<PlanItem>(`${base(ws)}/plans/${planId}/items/${itemId}/regenerate`, { method: "POST", body: { part } });
}

/** The plan and its drafts not yet approved; what is scheduled stays on the calendar. */
export function deletePlan(ws: string, planId: string): Promise<void> {
  return api<void>(`${base(ws)}/plans/${planId}`, { method: "DELETE" });
}

export function approve(ws: string, planId: string, itemIds?: string[]): Promise<Plan> {
  return api<Plan>(`${base(ws)}/plans/${planId}/approve`, { method: "POST", body: itemIds ? { item_ids: itemIds } : {} });
}
