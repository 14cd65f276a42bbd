import { describe, expect, it } from "vitest";
import { scheduledLabel, wallLabel, zoneCity } from "./when";

describe("scheduledLabel", () => {
  it("says the day and time in the post's own zone, with the zone's city", () => {
    const now = new Date("2026-03-01T12:00:00Z");
    expect(scheduledLabel("2026-01-12T14:00:00Z", "America/New_York", now)).toBe("Mon 12 Jan, 9:00 (New York)");
    expect(scheduledLabel("2026-07-04T21:30:00Z", "Europe/Paris", now)).toBe("Sat 4 Jul, 23:30 (Paris)");
  });

  it("adds the year when it is not this year's", () => {
    expect(scheduledLabel("2027-01-12T09:05:00Z", "UTC", new Date("2026-12-31T12:00:00Z"))).toBe("Tue 12 Jan 2027, 9:05 (UTC)");
  });

  it("names a zone by its city", () => {
    expect(zoneCity("America/Argentina/Buenos_Aires")).toBe("Buenos Aires");
  });
});

describe("wallLabel", () => {
  it("says a typed wall time the same way", () => {
    const now = new Date("2026-03-01T12:00:00Z");
    expect(wallLabel("2026-01-12T09:00", "America/New_York", now)).toBe("Mon 12 Jan, 9:00 (New York)");
    expect(wallLabel("2027-01-12T17:30", "UTC", now)).toBe("Tue 12 Jan 2027, 17:30 (UTC)");
    expect(wallLabel("", "UTC", now)).toBe("");
  });
});
