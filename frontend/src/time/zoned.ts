// Times shown in the zone they belong to (an account's, a post's, the workspace's),
// labelled with that zone's abbreviation when it is not the browser's own: a 9:00 AM
// New York post reads "9:00 AM EST" to someone in Paris, and "9:00 AM" in New York.
import { browserZone, sameZone } from "../posts/dates";

/** What `formatInZone` writes by default: "Mon, 7 Dec, 09:00" in the browser's locale. */
export const DATE_TIME: Intl.DateTimeFormatOptions = {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "numeric",
  minute: "2-digit",
};
export const TIME_ONLY: Intl.DateTimeFormatOptions = { hour: "numeric", minute: "2-digit" };

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(options: Intl.DateTimeFormatOptions, zone: string, labelled: boolean, locale?: string) {
  const key = JSON.stringify([options, zone, labelled, locale ?? ""]);
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone, ...(labelled ? { timeZoneName: "short" } : {}) });
    formats.set(key, format);
  }
  return format;
}

/** Whether times in `zone` need a label to be read right by this browser. */
export function differsFromBrowser(zone: string, browser: string = browserZone()): boolean {
  return !sameZone(zone, browser);
}

/**
 * The instant `at` (ISO string, Date or epoch ms) as a wall time in `zone`, with the zone's
 * abbreviation ("EST", "GMT+1") appended when `zone` is not the browser's.
 *
 *   formatInZone("2026-12-07T14:00:00Z", "America/New_York")  // "Mon, Dec 7, 9:00 AM EST" (from Paris)
 */
export function formatInZone(
  at: string | Date | number,
  zone: string,
  options: Intl.DateTimeFormatOptions = DATE_TIME,
  { browser = browserZone(), locale }: { browser?: string; locale?: string } = {},
): string {
  const instant = at instanceof Date ? at : new Date(at);
  if (Number.isNaN(instant.getTime())) return "";
  return formatFor(options, zone, differsFromBrowser(zone, browser), locale).format(instant);
}

/** The zone's short name at `at` ("EST", "EDT", "GMT+1"): what `formatInZone` appends. */
export function zoneAbbreviation(zone: string, at: string | Date | number = Date.now(), locale?: string): string {
  const parts = formatFor({ hour: "numeric" }, zone, true, locale).formatToParts(at instanceof Date ? at : new Date(at));
  return parts.find((p) => p.type === "timeZoneName")?.value ?? zone;
}

const offsets = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `at`: "UTC−05:00", "UTC+05:30", "UTC". */
export function utcOffsetLabel(zone: string, at: Date = new Date()): string {
  let format = offsets.get(zone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    } catch {
      return "";
    }
    offsets.set(zone, format);
  }
  const name = format.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const offset = name.replace(/^GMT/, "");
  return offset && !/^[+-]00:00$/.test(offset) ? `UTC${offset.replace("-", "−")}` : "UTC";
}

/** The offset in minutes east of UTC (for sorting zones); 0 when the zone is unknown. */
export function utcOffsetMinutes(zone: string, at: Date = new Date()): number {
  const match = /UTC([+−])(\d\d):(\d\d)/.exec(utcOffsetLabel(zone, at));
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "−" ? -minutes : minutes;
}
