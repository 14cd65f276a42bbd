import { describe, expect, it } from "vitest";
import { describeEvent } from "./api";
import { wordDiff } from "./diff";
import { matchMembers, mentionAt, mentionedIds } from "./mentions";

const people = [
  { user_id: "u_1", name: "Ada Lovelace", email: "ada@example.com" },
  { user_id: "u_2", name: "Brian Kernighan", email: "bk@example.com" },
];

describe("wordDiff", () => {
  it("marks the words removed and added, and gives both texts back", () => {
    const parts = wordDiff("Launch day is Monday", "Launch day is Tuesday!");
    expect(parts.filter((p) => p.kind === "removed").map((p) => p.text)).toEqual(["Monday"]);
    expect(parts.filter((p) => p.kind === "added").map((p) => p.text)).toEqual(["Tuesday!"]);
    expect(parts.filter((p) => p.kind !== "added").map((p) => p.text).join("")).toBe("Launch day is Monday");
    expect(parts.filter((p) => p.kind !== "removed").map((p) => p.text).join("")).toBe("Launch day is Tuesday!");
  });
  it("handles empty texts", () => {
    expect(wordDiff("", "new")).toEqual([{ kind: "added", text: "new" }]);
    expect(wordDiff("old", "")).toEqual([{ kind: "removed", text: "old" }]);
  });
});

describe("mentions", () => {
  it("finds the @query at the caret only after a space or the start", () => {
    expect(mentionAt("Hi @Ad", 6)).toEqual({ start: 3, query: "Ad" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail me@ex", 10)).toBeNull();
    expect(mentionAt("Hi @Ada there", 13)).toBeNull();
  });
  it("matches members by a word of their name or their e-mail", () => {
    expect(matchMembers(people, "lov").map((m) => m.user_id)).toEqual(["u_1"]);
    expect(matchMembers(people, "bk").map((m) => m.user_id)).toEqual(["u_2"]);
    expect(matchMembers(people, "").length).toBe(2);
  });
  it("keeps only the picked members still named in the text", () => {
    expect(mentionedIds("Thanks @Ada Lovelace", people)).toEqual(["u_1"]);
  });
});

describe("describeEvent", () => {
  it("says what happened in words", () => {
    const at = "2026-12-01T10:00:00Z";
    expect(describeEvent({ id: "1", kind: "edited", actor: null, details: { changes: ["Text", "First comment"] }, at })).toBe(
      "edited text, first comment",
    );
    expect(describeEvent({ id: "2", kind: "failed", actor: null, details: { network: "linkedin", reason: "Too long" }, at })).toBe(
      "failed on LinkedIn: Too long",
    );
  });
});
