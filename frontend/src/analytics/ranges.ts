// The Analytics page's date ranges: presets counted back from today in the workspace's
// time zone (the API reads `from` and `to` as days there, both included), a custom range
// checked as the API checks it, and the period before it that the page compares with.
import { wallParts } from "../posts/dates";

export type PresetId = "7d" | "28d" | "90d" | "this-month" | "last-month" | "custom";

export const PRESETS: { id: PresetId; label: string }[] = [
  { id: "7d", label: "Last 7 days" },
  { id: "28d", label: "Last 28 days" },
  { id: "90d", label: "Last 90 days" },
  { id: "this-month", label: "This month" },
  { id: "last-month", label: "Last month" },
  { id: "custom", label: "Custom" },
];

export const DEFAULT_PRESET: PresetId = "28d";
/** The longest range the API answers (it refuses more, naming the field). */
export const MAX_DAYS = 400;

/** Days `from` to `to` (YYYY-MM-DD), both included. */
export interface DateRange {
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Whether `value` is a real calendar day written YYYY-MM-DD. */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}

/** Today's date on the clocks of `zone`. */
export function todayIn(zone: string, now: Date = new Date()): string {
  return wallParts(now, zone).day;
}

/** `day` moved by `days` (calendar days; no time zone involved). */
export function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** How many days the range holds, both ends included. */
export function daysIn(range: DateRange): number {
  return Math.round((Date.parse(`${range.to}T00:00:00Z`) - Date.parse(`${range.from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The days a preset covers, ending today (`today` in the workspace's zone). */
export function presetRange(preset: Exclude<PresetId, "custom">, today: string): DateRange {
  switch (preset) {
    case "7d":
      return { from: addDays(today, -6), to: today };
    case "28d":
      return { from: addDays(today, -27), to: today };
    case "90d":
      return { from: addDays(today, -89), to: today };
    case "this-month":
      return { from: `${today.slice(0, 8)}01`, to: today };
    case "last-month": {
      const lastDay = addDays(`${today.slice(0, 8)}01`, -1);
      return { from: `${lastDay.slice(0, 8)}01`, to: lastDay };
    }
  }
}

/** The period of equal length just before `range`: what its numbers are compared with. */
export function previousRange(range: DateRange): DateRange {
  const length = daysIn(range);
  return { from: addDays(range.from, -length), to: addDays(range.from, -1) };
}

/** What is wrong with a custom range, in words, or null when the API will take it. */
export function rangeProblem(range: DateRange): string | null {
  if (!isDay(range.from)) return "Choose the first day.";
  if (!isDay(range.to)) return "Choose the last day.";
  if (range.from > range.to) return "The first day must come before the last.";
  if (daysIn(range) > MAX_DAYS) return `Choose at most ${MAX_DAYS} days.`;
  return null;
}

/** The range the page's address asks for (`?range=7d`, or `?from=&to=` for a custom one);
 * the default preset when it asks for nothing usable. */
export function rangeFromParams(params: URLSearchParams, today: string): { preset: PresetId; range: DateRange } {
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  if (from || to) {
    const range = { from, to };
    if (!rangeProblem(range)) return { preset: "custom", range };
  }
  const asked = params.get("range");
  const preset = PRESETS.some((p) => p.id === asked && p.id !== "custom") ? (asked as Exclude<PresetId, "custom">) : DEFAULT_PRESET;
  return { preset, range: presetRange(preset as Exclude<PresetId, "custom">, today) };
}

/** "1 – 28 Nov 2026" (in the browser's language): a range's days for a heading. */
export function rangeLabel(range: DateRange, locale?: string): string {
  const format = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
  const first = new Date(`${range.from}T00:00:00Z`);
  const last = new Date(`${range.to}T00:00:00Z`);
  if (range.from === range.to) return format.format(first);
  return format.formatRange ? format.formatRange(first, last) : `${format.format(first)} – ${format.format(last)}`;
}

/** "3 Nov" for a chart's axis: a day short enough to fit many under a chart. */
export function shortDay(day: string, locale?: string): string {
  return new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));
}
