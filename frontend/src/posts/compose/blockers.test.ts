import { describe, expect, it } from "vitest";
import type { Network } from "../api";
import { blockers } from "./blockers";

const X: Network = {
  id: "x",
  name: "X",
  capabilities: ["text", "images"],
  limits: { text: { max_length: 280, counting: "weighted", url_length: 23 }, max_media: 4, first_comment_max: null },
};
const INSTAGRAM = {
  id: "instagram",
  name: "Instagram",
  capabilities: ["images", "first_comment"],
  limits: {
    text: { max_length: 2200, counting: "graphemes", max_hashtags: 30 },
    max_media: 10,
    first_comment_max: 10,
    requires_media: true,
  },
} as Network;

describe("blockers", () => {
  it("says by how many characters a text is too long, per network, in plain words", () => {
    const found = blockers({ targets: [{ network: X, text: "日".repeat(146) }], mediaCount: 0, firstComment: "" });
    expect(found).toEqual([{ network: "x", message: "Too long for X by 12 characters" }]);
    expect(blockers({ targets: [{ network: X, text: "a".repeat(281) }], mediaCount: 0, firstComment: "" })[0].message).toBe(
      "Too long for X by 1 character",
    );
  });

  it("says nothing for a text within every limit, and once for two accounts on one network", () => {
    expect(blockers({ targets: [{ network: X, text: "Hello 🚀 https://example.com" }], mediaCount: 1, firstComment: "" })).toEqual([]);
    const twice = blockers({ targets: [{ network: X, text: "a".repeat(300) }, { network: X, text: "b".repeat(300) }], mediaCount: 0, firstComment: "" });
    expect(twice).toHaveLength(1);
  });

  it("knows empty posts, missing or too many media, hashtags and first comments", () => {
    expect(blockers({ targets: [], mediaCount: 0, firstComment: "" })).toEqual([{ network: "", message: "Choose at least one account" }]);
    expect(blockers({ targets: [{ network: X, text: "  " }], mediaCount: 0, firstComment: "" })[0].message).toBe("X needs some text");
    expect(blockers({ targets: [{ network: X, text: "" }], mediaCount: 1, firstComment: "" })).toEqual([]);
    const messages = blockers({
      targets: [{ network: INSTAGRAM, text: Array.from({ length: 31 }, (_, i) => `#tag${i}`).join(" ") }, { network: X, text: "hi" }],
      mediaCount: 0,
      firstComment: "a comment of more than ten",
    }).map((b) => b.message);
    expect(messages).toEqual([
      "Too many hashtags for Instagram: 31, at most 30",
      "Instagram needs an image or a video",
      "First comment too long for Instagram by 16 characters",
      "X has no first comment: leave it empty or unselect X",
    ]);
    expect(blockers({ targets: [{ network: X, text: "hi" }], mediaCount: 5, firstComment: " " }).map((b) => b.message)).toEqual([
      "Too many files for X: 5, at most 4",
    ]);
  });
});
