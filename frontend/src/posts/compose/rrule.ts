// The repeat picker's choices and the RFC 5545 RRULE the API stores (API.md "Posts":
// `recurrence`, e.g. FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12), both ways. The series starts at
// the post's own date and time, so a rule carries no DTSTART; an end date is a wall time
// (no "Z"): the server reads it in the post's time zone, so "until 31 Dec" means the end
// of that day where the post is scheduled.

export type Frequency = "never" | "daily" | "weekly" | "monthly";
export type Weekday = "MO" | "TU" | "WE" | "TH" | "FR" | "SA" | "SU";
export const WEEKDAYS: Weekday[] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
export const WEEKDAY_NAMES: Record<Weekday, string> = {
  MO: "Monday",
  TU: "Tuesday",
  WE: "Wednesday",
  TH: "Thursday",
  FR: "Friday",
  SA: "Saturday",
  SU: "Sunday",
};

export type Ending = { kind: "never" } | { kind: "until"; date: string } | { kind: "count"; count: number };

export interface Repeat {
  frequency: Frequency;
  /** Every `interval` days, weeks or months. */
  interval: number;
  /** Weekly only; none means the weekday of the first post. */
  weekdays: Weekday[];
  ending: Ending;
}

export const NO_REPEAT: Repeat = { frequency: "never", interval: 1, weekdays: [], ending: { kind: "never" } };

const FREQ: Record<Exclude<Frequency, "never">, string> = { daily: "DAILY", weekly: "WEEKLY", monthly: "MONTHLY" };

/** The RRULE for the choices ("" when the post does not repeat). */
export function toRule(repeat: Repeat): string {
  if (repeat.frequency === "never") return "";
  const parts = [`FREQ=${FREQ[repeat.frequency]}`];
  const interval = Math.max(1, Math.floor(repeat.interval) || 1);
  if (interval > 1) parts.push(`INTERVAL=${interval}`);
  if (repeat.frequency === "weekly" && repeat.weekdays.length > 0) {
    parts.push(`BYDAY=${WEEKDAYS.filter((d) => repeat.weekdays.includes(d)).join(",")}`);
  }
  const { ending } = repeat;
  if (ending.kind === "until" && /^\d{4}-\d{2}-\d{2}$/.test(ending.date)) {
    parts.push(`UNTIL=${ending.date.replaceAll("-", "")}T235959`);
  } else if (ending.kind === "count" && ending.count >= 1) {
    parts.push(`COUNT=${Math.floor(ending.count)}`);
  }
  return parts.join(";");
}

/** The choices a stored rule stands for; null when the picker cannot show it (an hourly
 * rule, BYMONTHDAY, BYSETPOS…), which the composer then keeps as it is. */
export function fromRule(rule: string | null | undefined): Repeat | null {
  const text = (rule ?? "").trim().toUpperCase().replace(/^RRULE:/, "");
  if (!text) return NO_REPEAT;
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    if (!part) continue;
    const [name, value = ""] = part.split("=", 2);
    if (parts.has(name)) return null;
    parts.set(name, value);
  }
  const frequency = (Object.keys(FREQ) as (keyof typeof FREQ)[]).find((f) => FREQ[f] === parts.get("FREQ"));
  if (!frequency) return null;
  const repeat: Repeat = { frequency, interval: 1, weekdays: [], ending: { kind: "never" } };
  for (const [name, value] of parts) {
    if (name === "FREQ" || (name === "WKST" && value === "MO")) continue;
    if (name === "INTERVAL" && /^\d+$/.test(value) && Number(value) >= 1) {
      repeat.interval = Number(value);
    } else if (name === "BYDAY" && frequency === "weekly") {
      const days = value.split(",");
      if (!days.every((d): d is Weekday => (WEEKDAYS as string[]).includes(d))) return null;
      repeat.weekdays = WEEKDAYS.filter((d) => days.includes(d));
    } else if (name === "COUNT" && /^\d+$/.test(value) && Number(value) >= 1 && !parts.has("UNTIL")) {
      repeat.ending = { kind: "count", count: Number(value) };
    } else if (name === "UNTIL" && /^\d{8}(T\d{6}Z?)?$/.test(value) && !parts.has("COUNT")) {
      repeat.ending = { kind: "until", date: `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` };
    } else {
      return null;
    }
  }
  return repeat;
}

/** The weekday of a "2026-01-12" date (the day a weekly series starts on by default). */
export function weekdayOf(date: string): Weekday | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return null;
  const day = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))).getUTCDay();
  return WEEKDAYS[(day + 6) % 7];
}

function list(words: string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "Every 2 weeks on Monday and Thursday, 12 times" for the summary beside the picker. */
export function describeRepeat(repeat: Repeat, start?: string): string {
  if (repeat.frequency === "never") return "Does not repeat";
  const unit = { daily: "day", weekly: "week", monthly: "month" }[repeat.frequency];
  let text = repeat.interval > 1 ? `Every ${repeat.interval} ${unit}s` : `Every ${unit}`;
  if (repeat.frequency === "weekly") {
    const days = repeat.weekdays.length ? WEEKDAYS.filter((d) => repeat.weekdays.includes(d)) : [start ? weekdayOf(start) : null].filter((d): d is Weekday => d !== null);
    if (days.length) text += ` on ${list(days.map((d) => WEEKDAY_NAMES[d]))}`;
  }
  if (repeat.frequency === "monthly" && start && /^\d{4}-\d{2}-(\d{2})/.test(start)) {
    text += ` on day ${Number(start.slice(8, 10))}`;
  }
  const { ending } = repeat;
  if (ending.kind === "count") text += ending.count === 1 ? ", once" : `, ${ending.count} times`;
  if (ending.kind === "until" && /^\d{4}-\d{2}-\d{2}$/.test(ending.date)) {
    const [y, m, d] = ending.date.split("-").map(Number);
    const day = new Date(Date.UTC(y, m - 1, d));
    text += `, until ${day.toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })}`;
  }
  return text;
}
