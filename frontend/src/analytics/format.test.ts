import { describe, expect, it } from "vitest";
import { delta, formatCount, formatRate, metricLabel, missingOn, notAvailable, signed } from "./format";

describe("delta", () => {
  it("gives a count's change as a percentage, with its direction in words", () => {
    expect(delta(112, 100, "count")).toEqual({ text: "+12%", direction: "up", spoken: "up 12% on the previous period" });
    expect(delta(96, 100, "count")).toEqual({ text: "−4.0%", direction: "down", spoken: "down 4.0% on the previous period" });
    expect(delta(1000, 1001, "count")?.direction).toBe("flat");
  });

  it("gives a rate's change in percentage points", () => {
    expect(delta(0.035, 0.031, "rate")?.text).toBe("+0.4 pts");
    expect(delta(0.02, 0.031, "rate")).toMatchObject({ text: "−1.1 pts", direction: "down" });
  });

  it("says New when the previous period had none, and nothing when either side is unknown", () => {
    expect(delta(5, 0, "count")).toMatchObject({ text: "New", direction: "up" });
    expect(delta(0, 0, "count")).toMatchObject({ text: "No change", direction: "flat" });
    expect(delta(null, 10, "count")).toBeNull();
    expect(delta(10, null, "count")).toBeNull();
  });
});

describe("numbers", () => {
  it("keeps small counts whole and shortens big ones", () => {
    expect(formatCount(1234)).toBe((1234).toLocaleString());
    expect(formatCount(12_345)).toMatch(/^12\.3\s?K$/);
    expect(signed(12)).toBe("+12");
    expect(signed(-3)).toBe("−3");
  });

  it("writes rates as percentages, small ones with two decimals so they do not read as zero", () => {
    expect(formatRate(0.0312)).toBe("3.1%");
    expect(formatRate(0.0008)).toBe("0.08%");
    expect(formatRate(0)).toBe("0.0%");
  });
});

describe("a metric no network gives", () => {
  it("names the networks, never zero", () => {
    expect(notAvailable(["bluesky"])).toBe("Not available on Bluesky");
    expect(notAvailable(["bluesky", "mastodon", "bluesky"])).toBe("Not available on Bluesky and Mastodon");
    expect(notAvailable([])).toBe("Not available");
  });

  it("finds the networks in scope that lack it", () => {
    const scope = [
      { network: "x", unavailable: ["saves"] },
      { network: "bluesky", unavailable: ["impressions", "saves"] },
    ];
    expect(missingOn(scope, "impressions")).toEqual(["bluesky"]);
    expect(missingOn(scope, "saves")).toEqual(["x", "bluesky"]);
    expect(metricLabel("engagement_rate")).toBe("Engagement rate");
    expect(metricLabel("outbound_clicks")).toBe("Outbound clicks");
  });
});
