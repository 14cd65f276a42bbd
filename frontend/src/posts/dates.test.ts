import { describe, expect, it } from "vitest";
import { dayKey, monthGrid, parseDay, rangeOf, sameZone, stepDate, wallParts, weekDays, zonedInstant } from "./dates";

describe("calendar dates", () => {
  it("shows whole weeks around a month, Monday first", () => {
    const grid = monthGrid(new Date(2026, 11, 15)); // December 2026 starts on a Tuesday
    expect(dayKey(grid[0])).toBe("2026-11-30");
    expect(dayKey(grid[grid.length - 1])).toBe("2027-01-03");
    expect(grid.length % 7).toBe(0);
  });

  it("gives each view its range", () => {
    const day = new Date(2026, 11, 3);
    expect(rangeOf("day", day).map(dayKey)).toEqual(["2026-12-03", "2026-12-04"]);
    expect(rangeOf("week", day).map(dayKey)).toEqual(["2026-11-30", "2026-12-07"]);
    expect(rangeOf("list", day).map(dayKey)).toEqual(["2026-12-01", "2027-01-01"]);
    expect(weekDays(day).map(dayKey)[6]).toBe("2026-12-06");
  });

  it("steps by the view's unit and parses days", () => {
    expect(dayKey(stepDate("month", new Date(2026, 0, 31), 1))).toBe("2026-02-01");
    expect(dayKey(stepDate("week", new Date(2026, 11, 3), -1))).toBe("2026-11-26");
    expect(parseDay("2026-12-03") && dayKey(parseDay("2026-12-03")!)).toBe("2026-12-03");
    expect(parseDay("soon")).toBeNull();
  });
});

describe("time zones", () => {
  it("reads an instant's day, hour and minute on a zone's clocks", () => {
    expect(wallParts("2026-12-03T14:30:00Z", "America/New_York")).toEqual({ day: "2026-12-03", hour: 9, minute: 30 });
    expect(wallParts("2026-12-03T23:30:00Z", "Asia/Tokyo")).toEqual({ day: "2026-12-04", hour: 8, minute: 30 });
    expect(wallParts(new Date("2026-12-03T00:05:00Z"), "UTC")).toEqual({ day: "2026-12-03", hour: 0, minute: 5 });
  });

  it("finds the instant of a wall time, across daylight-saving changes", () => {
    expect(zonedInstant("2026-12-03", 9, 30, "America/New_York").toISOString()).toBe("2026-12-03T14:30:00.000Z");
    expect(zonedInstant("2026-07-03", 9, 30, "America/New_York").toISOString()).toBe("2026-07-03T13:30:00.000Z");
    expect(zonedInstant("2026-12-04", 0, 0, "Asia/Tokyo").toISOString()).toBe("2026-12-03T15:00:00.000Z");
    expect(zonedInstant("2026-03-29", 12, 0, "Europe/Paris").toISOString()).toBe("2026-03-29T10:00:00.000Z");
    // 02:30 does not exist on 8 March 2026 in New York: it lands an hour later, 03:30 EDT.
    expect(zonedInstant("2026-03-08", 2, 30, "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    // 01:30 happens twice on 1 November 2026: the first (EDT) is taken.
    expect(zonedInstant("2026-11-01", 1, 30, "America/New_York").toISOString()).toBe("2026-11-01T05:30:00.000Z");
    // Round trip through the day after the change.
    expect(wallParts(zonedInstant("2026-11-01", 9, 0, "America/New_York"), "America/New_York").hour).toBe(9);
  });

  it("takes the names of UTC for one zone", () => {
    expect(sameZone("UTC", "Etc/UTC")).toBe(true);
    expect(sameZone("Europe/Paris", "Europe/Paris")).toBe(true);
    expect(sameZone("Europe/Paris", "UTC")).toBe(false);
  });
});
