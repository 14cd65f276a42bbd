import { describe, expect, it } from "vitest";
import { ALL_EMOJI, searchEmoji } from "./emoji";

describe("searchEmoji", () => {
  it("finds by name and keyword prefixes, every word", () => {
    expect(searchEmoji("rock").map((e) => e.char)).toEqual(["🚀"]);
    expect(searchEmoji("launch").map((e) => e.char)).toEqual(["🎉", "🚀"]);
    expect(searchEmoji("HEART").length).toBeGreaterThan(8);
    expect(searchEmoji("red heart").map((e) => e.char)).toEqual(["❤️"]);
    expect(searchEmoji("zzzz-nothing")).toEqual([]);
  });

  it("lists everything for an empty search, each emoji once with a name", () => {
    expect(searchEmoji("  ")).toHaveLength(ALL_EMOJI.length);
    expect(new Set(ALL_EMOJI.map((e) => e.char)).size).toBe(ALL_EMOJI.length);
    expect(ALL_EMOJI.every((e) => e.name.length > 0)).toBe(true);
  });
});
