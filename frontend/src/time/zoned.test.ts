import { describe, expect, it } from "vitest";
import { differsFromBrowser, formatInZone, TIME_ONLY, utcOffsetLabel, utcOffsetMinutes, zoneAbbreviation } from "./zoned";

const WINTER = "2026-12-07T14:00:00Z"; // 09:00 in New York (EST)
const SUMMER = "2026-07-06T13:00:00Z"; // 09:00 in New York (EDT)

describe("formatInZone", () => {
  it("shows the wall time of the zone, labelled when the browser is elsewhere", () => {
    const shown = formatInZone(WINTER, "America/New_York", TIME_ONLY, { browser: "Europe/Paris", locale: "en-US" });
    expect(shown).toBe("9:00 AM EST");
    expect(formatInZone(SUMMER, "America/New_York", TIME_ONLY, { browser: "Europe/Paris", locale: "en-US" })).toBe("9:00 AM EDT");
  });

  it("adds no label in the browser's own zone", () => {
    expect(formatInZone(WINTER, "America/New_York", TIME_ONLY, { browser: "America/New_York", locale: "en-US" })).toBe("9:00 AM");
    // UTC's aliases are one zone.
    expect(formatInZone(WINTER, "UTC", TIME_ONLY, { browser: "Etc/UTC", locale: "en-US" })).toBe("2:00 PM");
  });

  it("writes the day too by default, and nothing for a bad instant", () => {
    expect(formatInZone(WINTER, "America/New_York", undefined, { browser: "UTC", locale: "en-US" })).toBe("Mon, Dec 7, 9:00 AM EST");
    expect(formatInZone("not a time", "UTC")).toBe("");
  });
});

describe("zone names", () => {
  it("gives abbreviations and offsets from UTC", () => {
    expect(zoneAbbreviation("America/New_York", WINTER, "en-US")).toBe("EST");
    expect(utcOffsetLabel("America/New_York", new Date(WINTER))).toBe("UTC−05:00");
    expect(utcOffsetLabel("Asia/Kolkata", new Date(WINTER))).toBe("UTC+05:30");
    expect(utcOffsetLabel("UTC", new Date(WINTER))).toBe("UTC");
    expect(utcOffsetMinutes("America/New_York", new Date(SUMMER))).toBe(-240);
    expect(differsFromBrowser("Europe/Paris", "Europe/Paris")).toBe(false);
    expect(differsFromBrowser("Europe/Paris", "America/New_York")).toBe(true);
  });
});
