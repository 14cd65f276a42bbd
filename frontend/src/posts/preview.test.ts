import { describe, expect, it } from "vitest";
import { cropRatio, firstLink, truncate } from "./preview";

describe("previews", () => {
  it("cuts text where the network stops counting", () => {
    const rules = { max_length: 10, counting: "code_points" as const };
    expect(truncate("short", rules)).toEqual({ shown: "short", cut: false });
    expect(truncate("0123456789abc", rules)).toEqual({ shown: "0123456789", cut: true });
  });

  it("counts X's weights: emoji take two of 280", () => {
    const rules = { max_length: 280, counting: "weighted" as const };
    const { shown, cut } = truncate("😀".repeat(150), rules);
    expect(cut).toBe(true);
    expect([...shown].length).toBe(140);
  });

  it("holds an image's shape within the network's aspect bounds", () => {
    expect(cropRatio(1000, 2000, 0.8, 1.91)).toBe(0.8);
    expect(cropRatio(4000, 1000, 0.8, 1.91)).toBe(1.91);
    expect(cropRatio(1200, 1000, 0.8, 1.91)).toBe(1.2);
    expect(cropRatio(1200, 1000)).toBe(1.2);
  });

  it("finds the first link without trailing punctuation", () => {
    expect(firstLink("see https://www.example.com/a/b. and http://x.org")).toEqual({
      url: "https://www.example.com/a/b",
      host: "example.com",
      path: "/a/b",
    });
    expect(firstLink("no links")).toBeNull();
  });
});
