import { describe, expect, it } from "vitest";
import { dayKey, monthGrid, parseDay, rangeOf, stepDate, weekDays } from "./dates";

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
