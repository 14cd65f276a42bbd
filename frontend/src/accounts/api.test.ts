import { describe, expect, it } from "vitest";
import { normaliseSlots } from "./api";

describe("normaliseSlots", () => {
  it("sorts by weekday and time and drops duplicates", () => {
    expect(
      normaliseSlots([
        { weekday: 2, time: "09:00" },
        { weekday: 0, time: "17:00" },
        { weekday: 0, time: "08:30" },
        { weekday: 2, time: "09:00" },
      ]),
    ).toEqual([
      { weekday: 0, time: "08:30" },
      { weekday: 0, time: "17:00" },
      { weekday: 2, time: "09:00" },
    ]);
  });
});
