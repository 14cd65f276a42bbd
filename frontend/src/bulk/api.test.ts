import { describe, expect, it } from "vitest";
import { problemsByCell } from "./api";

describe("problemsByCell", () => {
  it("groups every message by row and column", () => {
    const cells = problemsByCell([
      { row: 3, column: "accounts", message: "no such account" },
      { row: 3, column: "text", message: "too long" },
      { row: 3, column: "text", message: "too many hashtags" },
      { row: 7, column: "date", message: "in the past" },
    ]);
    expect(cells.get(3)?.get("text")).toEqual(["too long", "too many hashtags"]);
    expect(cells.get(3)?.get("accounts")).toEqual(["no such account"]);
    expect(cells.get(7)?.get("date")).toEqual(["in the past"]);
    expect(cells.has(2)).toBe(false);
  });
});
