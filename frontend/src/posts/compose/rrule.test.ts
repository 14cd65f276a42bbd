import { describe, expect, it } from "vitest";
import { describeRepeat, fromRule, NO_REPEAT, toRule, weekdayOf, type Repeat } from "./rrule";

const weekly: Repeat = { frequency: "weekly", interval: 1, weekdays: ["TH", "MO"], ending: { kind: "count", count: 12 } };

describe("toRule", () => {
  it("writes nothing for a post that does not repeat", () => {
    expect(toRule(NO_REPEAT)).toBe("");
  });

  it("writes the API's example for every week on Monday and Thursday, 12 times", () => {
    expect(toRule(weekly)).toBe("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12");
  });

  it("writes the interval, and an end date as the end of that day's wall time", () => {
    expect(toRule({ frequency: "daily", interval: 3, weekdays: [], ending: { kind: "until", date: "2027-01-31" } })).toBe(
      "FREQ=DAILY;INTERVAL=3;UNTIL=20270131T235959",
    );
    expect(toRule({ frequency: "monthly", interval: 1, weekdays: ["MO"], ending: { kind: "never" } })).toBe("FREQ=MONTHLY");
  });

  it("leaves out an unfinished ending", () => {
    expect(toRule({ ...weekly, ending: { kind: "until", date: "" } })).toBe("FREQ=WEEKLY;BYDAY=MO,TH");
    expect(toRule({ ...weekly, interval: 0, ending: { kind: "count", count: 0 } })).toBe("FREQ=WEEKLY;BYDAY=MO,TH");
  });
});

describe("fromRule", () => {
  it("reads back every rule the picker writes", () => {
    const cases: Repeat[] = [
      NO_REPEAT,
      weekly,
      { frequency: "weekly", interval: 2, weekdays: [], ending: { kind: "never" } },
      { frequency: "daily", interval: 1, weekdays: [], ending: { kind: "until", date: "2027-01-31" } },
      { frequency: "monthly", interval: 6, weekdays: [], ending: { kind: "count", count: 4 } },
    ];
    for (const repeat of cases) {
      const expected = { ...repeat, weekdays: [...repeat.weekdays].sort((a, b) => "MOTUWETHFRSASU".indexOf(a) - "MOTUWETHFRSASU".indexOf(b)) };
      expect(fromRule(toRule(repeat))).toEqual(expected);
    }
  });

  it("reads the stored forms: RRULE: prefix, lower case, UNTIL in UTC", () => {
    expect(fromRule("RRULE:freq=weekly;byday=mo,th;count=12")).toEqual({ ...weekly, weekdays: ["MO", "TH"] });
    expect(fromRule("FREQ=DAILY;UNTIL=20271231T235959Z")?.ending).toEqual({ kind: "until", date: "2027-12-31" });
    expect(fromRule(null)).toEqual(NO_REPEAT);
  });

  it("gives null for a rule the picker cannot show, so the composer keeps it as it is", () => {
    for (const rule of ["FREQ=HOURLY", "FREQ=MONTHLY;BYMONTHDAY=-1", "FREQ=WEEKLY;BYDAY=1MO", "FREQ=DAILY;COUNT=2;UNTIL=20270101", "INTERVAL=2", "FREQ=MONTHLY;BYDAY=MO"]) {
      expect(fromRule(rule)).toBeNull();
    }
  });
});

describe("describeRepeat", () => {
  it("says the series in words", () => {
    expect(describeRepeat(weekly)).toBe("Every week on Monday and Thursday, 12 times");
    expect(describeRepeat({ ...weekly, weekdays: [], interval: 2, ending: { kind: "never" } }, "2026-01-12T09:00")).toBe("Every 2 weeks on Monday");
    expect(describeRepeat({ frequency: "monthly", interval: 1, weekdays: [], ending: { kind: "count", count: 1 } }, "2026-01-12T09:00")).toBe(
      "Every month on day 12, once",
    );
    expect(describeRepeat(NO_REPEAT)).toBe("Does not repeat");
  });

  it("knows a date's weekday", () => {
    expect(weekdayOf("2026-01-12")).toBe("MO");
    expect(weekdayOf("2026-01-18T10:00")).toBe("SU");
    expect(weekdayOf("")).toBeNull();
  });
});
