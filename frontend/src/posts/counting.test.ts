import { describe, expect, it } from "vitest";
import { count, counter } from "./counting";

// The same texts as tests/unit/test_text.py: the web app counts as the server does.
const FAMILY = "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}";
const TEXT = `a ${FAMILY} e\u0301`;

describe("count", () => {
  it("counts each network's way", () => {
    expect(count(TEXT, { counting: "weighted" })).toBe(6);
    expect(count(TEXT, { counting: "graphemes" })).toBe(5);
    expect(count(TEXT, { counting: "code_points" })).toBe(12);
    expect(count(TEXT, { counting: "utf16" })).toBe(16);
    expect(count(TEXT, { counting: "bytes" })).toBe(31);
  });

  it("weighs X's conformance cases like twitter-text v3", () => {
    expect(count("H\u{1F431}\u263A" + FAMILY, { counting: "weighted" })).toBe(7);
    expect(count("Hi http://test.co", { counting: "weighted" })).toBe(26);
    expect(count("故人西辞黄鹤楼", { counting: "weighted" })).toBe(14);
  });

  it("counts every link as the network's fixed length", () => {
    const text = "read https://example.com/a/very/long/path/indeed";
    expect(count(text, { counting: "code_points", url_length: 23 })).toBe(5 + 23);
  });

  it("turns red one past the limit", () => {
    const rules = { max_length: 280, counting: "weighted" as const };
    expect(counter("a".repeat(280), rules).over).toBe(false);
    expect(counter("a".repeat(281), rules)).toEqual({ used: 281, max: 280, over: true });
  });
});
