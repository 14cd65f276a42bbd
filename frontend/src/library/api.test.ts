import { describe, expect, it } from "vitest";
import { appendText, insertAt, splitHashtags } from "./api";

describe("library helpers", () => {
  it("splits hashtags typed with spaces or commas", () => {
    expect(splitHashtags(" #spring, sale  #Launch\n")).toEqual(["#spring", "sale", "#Launch"]);
  });
  it("appends on a new paragraph, or alone", () => {
    expect(appendText("", "#a #b")).toBe("#a #b");
    expect(appendText("Hello  \n", "#a")).toBe("Hello\n\n#a");
  });
  it("inserts at the caret with spaces where words would touch", () => {
    expect(insertAt("Hello world", "big", 6, 6)).toBe("Hello big world");
    expect(insertAt("Helloworld", "big", 5, 5)).toBe("Hello big world");
    expect(insertAt("Hello XX world", "big", 6, 8)).toBe("Hello big world");
  });
});
