// The time a post was scheduled for, as the confirmation says it:
// "Tue 12 Jan, 9:00 (New York)", the year added when it is not this year's.

/** "New York" for America/New_York, "UTC" for UTC. */
export function zoneCity(zone: string): string {
  const last = zone.split("/").pop() ?? zone;
  return last.replaceAll("_", " ");
}

export function scheduledLabel(iso: string, zone: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const values: Record<string, string> = {};
  const format = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "numeric",
    minute: "2-digit",
    hourCycle: "h23",
  });
  for (const part of format.formatToParts(at)) values[part.type] = part.value;
  const thisYear = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric" }).format(now);
  const year = values.year !== thisYear ? ` ${values.year}` : "";
  return `${values.weekday} ${Number(values.day)} ${values.month}${year}, ${Number(values.hour) % 24}:${values.minute} (${zoneCity(zone)})`;
}

/** The same words for a wall time typed in the composer ("2026-01-12T09:00") in `zone`. */
export function wallLabel(wall: string, zone: string, now: Date = new Date()): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!match) return "";
  const [, y, m, d, hh, mm] = match;
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  const names = new Intl.DateTimeFormat("en-GB", { timeZone: "UTC", weekday: "short", month: "short" }).formatToParts(day);
  const get = (type: string) => names.find((p) => p.type === type)?.value ?? "";
  const thisYear = new Intl.DateTimeFormat("en-GB", { timeZone: zone, year: "numeric" }).format(now);
  const year = y !== thisYear ? ` ${y}` : "";
  return `${get("weekday")} ${Number(d)} ${get("month")}${year}, ${Number(hh)}:${mm} (${zoneCity(zone)})`;
}
