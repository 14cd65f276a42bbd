// The best-times heatmap: 7 weekdays × 24 hours of expected engagement rate, scaled to a
// shade of the accent colour, with words for each cell and for the suggested slots.
import { WEEKDAYS } from "../accounts/api";
import { formatRate } from "./format";
import type { BestSlot } from "./types";

export interface HeatCell {
  weekday: number;
  hour: number;
  value: number | null;
  /** 0 (lowest rate shown) to 1 (highest); null where there is no estimate. */
  level: number | null;
  /** Among the suggested slots: its rank (1 = best), else null. */
  rank: number | null;
}

/** The heatmap's rows (always 7 × 24, whatever the answer held), each value scaled between
 * the lowest and highest rate in it; equal rates all read as the middle shade. */
export function heatCells(heatmap: (number | null)[][], slots: BestSlot[] = []): HeatCell[][] {
  const values = heatmap.flat().filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const low = values.length ? Math.min(...values) : 0;
  const high = values.length ? Math.max(...values) : 0;
  const ranks = new Map(slots.map((slot, index) => [`${slot.weekday}:${slot.hour}`, index + 1]));
  return Array.from({ length: 7 }, (_, weekday) =>
    Array.from({ length: 24 }, (_, hour) => {
      const raw = heatmap[weekday]?.[hour];
      const value = typeof raw === "number" && Number.isFinite(raw) ? raw : null;
      const level = value === null ? null : high > low ? (value - low) / (high - low) : 0.5;
      return { weekday, hour, value, level, rank: ranks.get(`${weekday}:${hour}`) ?? null };
    }),
  );
}

/** The cell's shade: the accent mixed into the panel, 8 % (lowest) to 100 % (highest). */
export function heatColor(level: number | null): string {
  if (level === null) return "transparent";
  const share = Math.round(8 + Math.min(1, Math.max(0, level)) * 92);
  return `color-mix(in srgb, var(--accent) ${share}%, var(--panel))`;
}

const hourFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", timeZone: "UTC" });

/** "9 AM" or "09", as the browser's language writes an hour. */
export function hourLabel(hour: number): string {
  return hourFormat.format(Date.UTC(2000, 0, 1, hour));
}

/** "Tuesday 9 AM" */
export function slotName(slot: { weekday: number; hour: number }): string {
  return `${WEEKDAYS[slot.weekday] ?? ""} ${hourLabel(slot.hour)}`;
}

const CONFIDENCE: Record<BestSlot["confidence"], string> = {
  high: "High confidence",
  medium: "Medium confidence",
  low: "Low confidence",
};

export function confidenceLabel(confidence: string): string {
  return CONFIDENCE[confidence as BestSlot["confidence"]] ?? confidence;
}

/** A cell in words, for its accessible name and tooltip. */
export function cellDescription(cell: HeatCell): string {
  const when = slotName(cell);
  if (cell.value === null) return `${when}: no estimate yet`;
  const rank = cell.rank ? ` (suggested time ${cell.rank})` : "";
  return `${when}: ${formatRate(cell.value)} expected engagement${rank}`;
}

/** What the page says when an account has too little history: the API's words, else ours. */
export function priorMessage(message: string | null | undefined, network: string): string {
  return message?.trim() || `Not enough history yet: these are ${network}'s usual good times.`;
}
