// Calendar arithmetic on calendar dates (local Date objects used as plain days), and the
// time-zone arithmetic that places a post on the day and hour of the workspace's zone.

export type View = "month" | "week" | "day" | "list";

export function dayKey(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function parseDay(value: string | null): Date | null {
  const match = value?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return match ? new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : null;
}

export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days);
}

/** Monday of the week holding `date`. */
export function startOfWeek(date: Date): Date {
  return addDays(date, -((date.getDay() + 6) % 7));
}

export function weekDays(date: Date): Date[] {
  const monday = startOfWeek(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The weeks (Monday first) that show the month of `date`, whole. */
export function monthGrid(date: Date): Date[] {
  const first = new Date(date.getFullYear(), date.getMonth(), 1);
  const last = new Date(date.getFullYear(), date.getMonth() + 1, 0);
  const days: Date[] = [];
  for (let day = startOfWeek(first); day <= last || days.length % 7 !== 0; day = addDays(day, 1)) days.push(day);
  return days;
}

/** [start, end) of what a view shows; the list shows the month of `date`. */
export function rangeOf(view: View, date: Date): [Date, Date] {
  if (view === "day") return [addDays(date, 0), addDays(date, 1)];
  if (view === "week") {
    const monday = startOfWeek(date);
    return [monday, addDays(monday, 7)];
  }
  if (view === "month") {
    const grid = monthGrid(date);
    return [grid[0], addDays(grid[grid.length - 1], 1)];
  }
  return [new Date(date.getFullYear(), date.getMonth(), 1), new Date(date.getFullYear(), date.getMonth() + 1, 1)];
}

export function stepDate(view: View, date: Date, step: number): Date {
  if (view === "day") return addDays(date, step);
  if (view === "week") return addDays(date, 7 * step);
  return new Date(date.getFullYear(), date.getMonth() + step, 1);
}

// Time zones. The calendar's days and hours are the workspace's: a day is a local Date used
// as a plain calendar date (its dayKey), and a post is placed by its wall time in the zone.

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let format = partsFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    partsFormats.set(zone, format);
  }
  return format;
}

export interface WallTime {
  /** "2026-12-03" */
  day: string;
  hour: number;
  minute: number;
}

/** The wall-clock day, hour and minute in `zone` of the instant `at`. */
export function wallParts(at: Date | string, zone: string): WallTime {
  const values: Record<string, string> = {};
  for (const part of partsFormat(zone).formatToParts(typeof at === "string" ? new Date(at) : at)) {
    values[part.type] = part.value;
  }
  return {
    day: `${values.year}-${values.month}-${values.day}`,
    hour: Number(values.hour) % 24,
    minute: Number(values.minute),
  };
}

/** How far `zone` is ahead of UTC at the instant `ms`, in milliseconds. */
function offsetAt(ms: number, zone: string): number {
  const wall = wallParts(new Date(ms), zone);
  const [y, m, d] = wall.day.split("-").map(Number);
  const asUtc = Date.UTC(y, m - 1, d, wall.hour, wall.minute);
  return asUtc - (ms - (((ms % 60_000) + 60_000) % 60_000));
}

/**
 * The instant that reads `day` `hour`:`minute` on the clocks of `zone`. A time skipped by
 * a spring-forward change lands just after it; one repeated in autumn takes the first.
 */
export function zonedInstant(day: string, hour: number, minute: number, zone: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  if (first === second) return new Date(first);
  // Across a change: take the reading that gives the asked wall time, else the later one.
  for (const candidate of [Math.min(first, second), Math.max(first, second)]) {
    const back = wallParts(new Date(candidate), zone);
    if (back.day === day && back.hour === hour && back.minute === minute) return new Date(candidate);
  }
  return new Date(Math.max(first, second));
}

/** The browser's own zone ("UTC" when it does not say). */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

const UTC_NAMES = new Set(["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Universal", "Etc/Zulu", "Universal", "Zulu"]);

/** Whether two zone names are the same zone (the aliases of UTC included). */
export function sameZone(a: string, b: string): boolean {
  return a === b || (UTC_NAMES.has(a) && UTC_NAMES.has(b));
}

/** "09:30" or "9:30 AM", as the browser's locale writes a time of day. */
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZone: "UTC" });
export function clockLabel(hour: number, minute = 0): string {
  return clockFormat.format(Date.UTC(2000, 0, 1, hour, minute));
}

/** "Tuesday 15 December" for a calendar day (a local Date). */
export function longDay(day: Date): string {
  return day.toLocaleDateString(undefined, { weekday: "long", day: "numeric", month: "long" });
}

/** "30 Nov – 6 Dec 2026": a week's span for its heading. */
export function spanLabel(first: Date, last: Date): string {
  const format = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric" });
  return format.formatRange ? format.formatRange(first, last) : `${format.format(first)} – ${format.format(last)}`;
}
