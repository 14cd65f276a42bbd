// What the Plans page works out for itself: months, the writer's name, the grid's days and
// counts, chips typed into a field.
import { wallParts } from "../posts/dates";
import type { Brief, BrandProfile, Focus, ItemCaption, Plan, PlanItem, PostingRule, Tone } from "./api";

/** "2027-01" for the month after the given day ("2026-12-05" -> "2027-01"). */
export function nextMonth(today: string): string {
  const [y, m] = today.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}

/** The months a plan can be made for: this one and the next eleven. */
export function monthChoices(today: string, count = 12): string[] {
  const [y, m] = today.split("-").map(Number);
  return Array.from({ length: count }, (_, i) => {
    const index = y * 12 + (m - 1) + i;
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
  });
}

/** "January 2027" for "2027-01". */
export function monthLabel(month: string): string {
  const [y, m] = month.split("-").map(Number);
  if (!y || !m) return month;
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
}

/** Whether "2027-01" is a month as the API names one. */
export function isMonth(value: string | null): value is string {
  return value !== null && /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

/** The calendar day in a time zone, as "YYYY-MM-DD". */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return now.toLocaleDateString("en-CA", { timeZone });
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** Who wrote a text, as a person would say it: "offline" -> "the offline writer",
 * "bedrock:anthropic.claude-3-haiku" -> "Amazon Bedrock (anthropic.claude-3-haiku)". */
export function writerName(writer: string | null | undefined): string {
  if (!writer) return "the writer";
  if (writer === "offline") return "the offline writer";
  if (writer === "person") return "you";
  if (writer.startsWith("bedrock:")) return `Amazon Bedrock (${writer.slice("bedrock:".length)})`;
  if (writer === "bedrock") return "Amazon Bedrock";
  return writer;
}

export const FOCUS_LABELS: Record<Focus, string> = {
  new_clients: "Win new clients",
  education: "Teach and explain",
  community: "Build community",
  launch: "Launch something",
  seasonal: "Seasonal moment",
  other: "Something else",
};

export const TONE_LABELS: Record<Tone, string> = {
  neutral: "Neutral",
  educational: "Educational",
  promotional: "Promotional",
  playful: "Playful",
};

export const DAY_LABELS: Record<string, string> = {
  mon: "Mon",
  tue: "Tue",
  wed: "Wed",
  thu: "Thu",
  fri: "Fri",
  sat: "Sat",
  sun: "Sun",
};

export function emptyBrief(month: string, accountIds: string[]): Brief {
  return {
    month,
    focus: "new_clients",
    focus_details: "",
    promotion: false,
    promotion_details: "",
    tone: "neutral",
    pillars: [],
    account_ids: accountIds,
  };
}

export function emptyProfile(website = ""): BrandProfile {
  return {
    business_name: "",
    what_we_do: "",
    audience: "",
    voice: "",
    words_to_use: [],
    words_to_avoid: [],
    colours: [],
    logo_media_id: null,
    logo_url: null,
    website: website || null,
    written_by: "person",
  };
}

export const DEFAULT_RULE: PostingRule = {
  account_id: null,
  per_week: 3,
  days: ["mon", "wed", "fri"],
  window: "morning",
  use_best_times: false,
};

/** The workspace-wide rule (the one for no account in particular), or the default. */
export function workspaceRule(rules: PostingRule[]): PostingRule {
  return rules.find((r) => r.account_id === null) ?? DEFAULT_RULE;
}

/** The rules with the workspace-wide one replaced (an account's own rules stay as they are). */
export function withWorkspaceRule(rules: PostingRule[], rule: PostingRule): PostingRule[] {
  return [{ ...rule, account_id: null }, ...rules.filter((r) => r.account_id !== null)];
}

/**
 * The chips in what was typed: split at commas and new lines, trimmed, without the ones
 * already there (compared ignoring case) or repeated.
 */
export function addChips(existing: string[], typed: string): string[] {
  const seen = new Set(existing.map((c) => c.toLowerCase()));
  const added: string[] = [];
  for (const piece of typed.split(/[,\n]/)) {
    const chip = piece.trim().replace(/\s+/g, " ");
    if (!chip || seen.has(chip.toLowerCase())) continue;
    seen.add(chip.toLowerCase());
    added.push(chip);
  }
  return [...existing, ...added];
}

/** "#a1b2c3" in lower case, from "#A1B2C3", "a1b2c3" or "#abc"; null when it is no colour. */
export function normaliseColour(value: string): string | null {
  const hex = value.trim().replace(/^#/, "").toLowerCase();
  if (/^[0-9a-f]{6}$/.test(hex)) return `#${hex}`;
  if (/^[0-9a-f]{3}$/.test(hex)) return `#${[...hex].map((c) => c + c).join("")}`;
  return null;
}

/** Black or white, whichever reads better on a swatch of the colour (WCAG luminance). */
export function inkOn(colour: string): "#000" | "#fff" {
  const hex = normaliseColour(colour) ?? "#ffffff";
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000" : "#fff";
}

export interface Day {
  /** "YYYY-MM-DD" in the shown time zone. */
  date: string;
  items: PlanItem[];
}

/** The plan's items by day in the time zone, in time order; items without a slot last. */
export function itemsByDay(items: PlanItem[], timeZone: string): Day[] {
  const sorted = [...items].sort((a, b) => {
    if (!a.slot || !b.slot) return a.slot ? -1 : b.slot ? 1 : 0;
    return new Date(a.slot).getTime() - new Date(b.slot).getTime();
  });
  const days: Day[] = [];
  for (const item of sorted) {
    const date = item.slot ? wallParts(item.slot, timeZone).day : "";
    const last = days[days.length - 1];
    if (last && last.date === date) last.items.push(item);
    else days.push({ date, items: [item] });
  }
  return days;
}

/** "Tue 5 Jan" for "2027-01-05". */
export function dayLabel(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  if (!y || !m || !d) return "No date yet";
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString("en-GB", {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

export interface PlanCounts {
  total: number;
  drafts: number;
  /** Approved here, waiting for the workspace's approvers. */
  waiting: number;
  scheduled: number;
  /** Captions over their network's limit (the writer should never send one). */
  tooLong: number;
}

export function planCounts(plan: Pick<Plan, "items">): PlanCounts {
  const count = (status: PlanItem["status"]) => plan.items.filter((i) => i.status === status).length;
  return {
    total: plan.items.length,
    drafts: count("draft"),
    waiting: count("approved"),
    scheduled: count("scheduled"),
    tooLong: plan.items.flatMap((i) => i.captions).filter((c) => c.count > c.limit).length,
  };
}

/** How full a caption is, for its meter: "ok", "near" (over 90 %) or "over". */
export function fullness(caption: Pick<ItemCaption, "count" | "limit">): "ok" | "near" | "over" {
  if (caption.count > caption.limit) return "over";
  return caption.count > caption.limit * 0.9 ? "near" : "ok";
}

/** The caption with its hashtags as the post will carry them (unless the text has them). */
export function captionText(caption: Pick<ItemCaption, "text" | "hashtags">): string {
  const missing = caption.hashtags
    .map((h) => (h.startsWith("#") ? h : `#${h}`))
    .filter((tag) => !caption.text.toLowerCase().includes(tag.toLowerCase()));
  return missing.length ? `${caption.text}\n\n${missing.join(" ")}` : caption.text;
}

/** The progress to show, a whole 0..100 (a ready plan is done whatever it last said). */
export function percent(progress: number, status: Plan["status"]): number {
  if (status === "ready") return 100;
  return Math.max(0, Math.min(100, Math.round(progress)));
}

/** The plan after an answer about it: a whole plan replaces it, one item replaces its own. */
export function applyAnswer(plan: Plan, answer: Plan | PlanItem): Plan {
  if ("items" in answer) return answer;
  return { ...plan, items: plan.items.map((item) => (item.item_id === answer.item_id ? answer : item)) };
}
