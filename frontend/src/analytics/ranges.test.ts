import { describe, expect, it } from "vitest";
import { addDays, daysIn, isDay, presetRange, previousRange, rangeFromParams, rangeLabel, rangeProblem, todayIn } from "./ranges";

describe("presetRange", () => {
  it("counts the last N days back from today, today included", () => {
    expect(presetRange("7d", "2030-03-10")).toEqual({ from: "2030-03-04", to: "2030-03-10" });
    expect(presetRange("28d", "2030-03-10")).toEqual({ from: "2030-02-11", to: "2030-03-10" });
    expect(daysIn(presetRange("90d", "2030-03-10"))).toBe(90);
  });

  it("takes this month to today and the whole of last month, across a year and a leap February", () => {
    expect(presetRange("this-month", "2030-03-10")).toEqual({ from: "2030-03-01", to: "2030-03-10" });
    expect(presetRange("last-month", "2028-03-10")).toEqual({ from: "2028-02-01", to: "2028-02-29" });
    expect(presetRange("last-month", "2030-01-05")).toEqual({ from: "2029-12-01", to: "2029-12-31" });
  });
});

describe("previousRange", () => {
  it("is the period of the same length just before", () => {
    expect(previousRange({ from: "2030-03-04", to: "2030-03-10" })).toEqual({ from: "2030-02-25", to: "2030-03-03" });
    expect(previousRange({ from: "2030-03-01", to: "2030-03-31" })).toEqual({ from: "2030-01-29", to: "2030-02-28" });
  });
});

describe("todayIn", () => {
  it("is the day on the workspace's clocks, not the browser's", () => {
    const lateInLondon = new Date("2030-03-10T23:30:00Z");
    expect(todayIn("Europe/London", lateInLondon)).toBe("2030-03-10");
    expect(todayIn("Asia/Tokyo", lateInLondon)).toBe("2030-03-11");
    expect(todayIn("America/Los_Angeles", lateInLondon)).toBe("2030-03-10");
  });
});

describe("rangeProblem", () => {
  it("accepts a range the API takes and names what is wrong otherwise", () => {
    expect(rangeProblem({ from: "2030-01-01", to: "2030-01-01" })).toBeNull();
    expect(rangeProblem({ from: "2030-02-30", to: "2030-03-01" })).toBe("Choose the first day.");
    expect(rangeProblem({ from: "2030-03-01", to: "" })).toBe("Choose the last day.");
    expect(rangeProblem({ from: "2030-03-02", to: "2030-03-01" })).toBe("The first day must come before the last.");
    expect(rangeProblem({ from: "2030-01-01", to: addDays("2030-01-01", 400) })).toBe("Choose at most 400 days.");
    expect(rangeProblem({ from: "2030-01-01", to: addDays("2030-01-01", 399) })).toBeNull();
  });

  it("knows real days", () => {
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2030-02-29")).toBe(false);
    expect(isDay("30-01-01")).toBe(false);
  });
});

describe("rangeFromParams", () => {
  it("reads a preset, a custom range, and falls back to 28 days", () => {
    expect(rangeFromParams(new URLSearchParams("range=7d"), "2030-03-10")).toEqual({
      preset: "7d",
      range: { from: "2030-03-04", to: "2030-03-10" },
    });
    expect(rangeFromParams(new URLSearchParams("from=2030-01-01&to=2030-01-31"), "2030-03-10")).toEqual({
      preset: "custom",
      range: { from: "2030-01-01", to: "2030-01-31" },
    });
    expect(rangeFromParams(new URLSearchParams("from=2030-01-31&to=2030-01-01"), "2030-03-10").preset).toBe("28d");
    expect(rangeFromParams(new URLSearchParams("range=forever"), "2030-03-10").range).toEqual({ from: "2030-02-11", to: "2030-03-10" });
  });
});

describe("rangeLabel", () => {
  it("writes the range's days without shifting them by the browser's zone", () => {
    expect(rangeLabel({ from: "2030-03-04", to: "2030-03-10" }, "en-GB")).toMatch(/^4\s?–\s?10 Mar 2030$/);
    expect(rangeLabel({ from: "2030-03-04", to: "2030-03-04" }, "en-GB")).toBe("4 Mar 2030");
  });
});
