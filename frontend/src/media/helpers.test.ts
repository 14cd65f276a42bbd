import { describe, expect, it } from "vitest";
import { contentTypeOf, formatBytes, formatDuration, parseTags } from "./api";
import { clamp, moved } from "./FocalPointPicker";

describe("media helpers", () => {
  it("normalises tags the way the server does", () => {
    expect(parseTags("#Summer, beach ,, summer,  Big   Sale ")).toEqual(["summer", "beach", "big sale"]);
  });

  it("names a file's type from its extension when the browser gives none", () => {
    expect(contentTypeOf(new File(["x"], "Clip.MOV"))).toBe("video/quicktime");
    expect(contentTypeOf(new File(["x"], "a.png", { type: "image/png" }))).toBe("image/png");
    expect(contentTypeOf(new File(["x"], "notes"))).toBe("application/octet-stream");
  });

  it("formats sizes and durations", () => {
    expect(formatBytes(12_400_000)).toBe("12.4 MB");
    expect(formatBytes(830_200)).toBe("830 KB");
    expect(formatDuration(65.2)).toBe("1:05");
  });

  it("moves the focal point with the arrow keys and keeps it in the image", () => {
    expect(moved({ x: 0.5, y: 0.5 }, "ArrowRight")).toEqual({ x: 0.55, y: 0.5 });
    expect(moved({ x: 0.98, y: 0.02 }, "ArrowRight")).toEqual({ x: 1, y: 0.02 });
    expect(moved({ x: 0.5, y: 0.02 }, "ArrowUp")).toEqual({ x: 0.5, y: 0 });
    expect(moved({ x: 0.5, y: 0.5 }, "Enter")).toBeNull();
    expect(clamp(-3)).toBe(0);
  });
});
