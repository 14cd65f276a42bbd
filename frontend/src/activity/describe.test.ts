import { describe as group, expect, it } from "vitest";
import type { AuditEvent } from "../api/people";
import { describe, relativeTime, sentence } from "./describe";

function event(action: string, details: Record<string, unknown> = {}, extra: Partial<AuditEvent> = {}): AuditEvent {
  return { id: "e_1", action, actor: "u_1", target: "p_1", details, at: "2026-12-07T14:00:00Z", actor_name: "Ada Lovelace", ...extra };
}

const POST = { text: "Fresh bread at nine, come early", networks: ["x", "linkedin"], timezone: "America/New_York", scheduled_at: "2026-12-08T14:00:00Z" };

group("activity in words", () => {
  it("names the account connected with its network's proper name", () => {
    const connected = event("account.connected", { network: "x", name: "Ada", handle: "ada" }, { target: "a_1" });
    expect(sentence(connected, "UTC")).toBe("Ada Lovelace connected X account @ada");
    expect(describe(connected, "UTC").find((p) => p.to)?.to).toBe("/accounts");
    const gone = event("account.disconnected", { network: "linkedin", name: "Demo Bakery", handle: null, cancelled_targets: 2 });
    expect(sentence(gone, "UTC")).toBe("Ada Lovelace disconnected LinkedIn account Demo Bakery (2 scheduled posts on it cancelled)");
  });

  it("says when a post was scheduled for, in the post's zone, and links the post", () => {
    const scheduled = event("post.created", { ...POST, status: "scheduled" });
    const text = sentence(scheduled, "UTC");
    expect(text).toMatch(/^Ada Lovelace scheduled “Fresh bread at nine, come early” for Tue, Dec 8, 9:00\sAM( EST)? on X and LinkedIn$/);
    expect(describe(scheduled, "UTC").find((p) => p.to)).toEqual({ text: "“Fresh bread at nine, come early”", to: "/posts/p_1" });
    expect(sentence(event("post.created", { ...POST, status: "draft" }), "UTC")).toBe("Ada Lovelace saved a draft: “Fresh bread at nine, come early”");
    expect(sentence(event("post.created", { ...POST, now: true }), "UTC")).toBe("Ada Lovelace published “Fresh bread at nine, come early” right away on X and LinkedIn");
  });

  it("words edits, cancellations, deletions and publishing", () => {
    expect(sentence(event("post.cancelled", { ...POST, back_to_draft: true }), "UTC")).toContain("cancelled “Fresh bread at nine, come early”: it went back to drafts");
    const deleted = describe(event("post.deleted", POST), "UTC");
    expect(deleted.some((p) => p.to)).toBe(false); // nothing left to link to
    expect(sentence(event("post.published_now", POST), "UTC")).toBe("Ada Lovelace published “Fresh bread at nine, come early” now on X and LinkedIn");
    const attempt = event("post.publish_attempt", { post_id: "p_9", network: "x", outcome: "published" }, { actor: "system", actor_name: "Schedulo", target: "t_1" });
    expect(sentence(attempt, "UTC")).toBe("Schedulo published a post on X");
    expect(describe(attempt, "UTC").find((p) => p.to)?.to).toBe("/posts/p_9");
    const named = { ...attempt, details: { ...attempt.details, text: "Croissants now" } };
    expect(sentence(named, "UTC")).toBe("Schedulo published “Croissants now” on X");
  });

  it("words people, imports and keys, and never shows a raw id for a person", () => {
    expect(sentence(event("invitation.sent", { role: "editor" }, { target: "bo@example.com" }), "UTC")).toBe("Ada Lovelace invited bo@example.com to join as an editor");
    expect(sentence(event("member.removed", {}, { target: "u_2", target_name: "Bo" }), "UTC")).toBe("Ada Lovelace removed Bo from the workspace");
    expect(sentence(event("import.committed", { posts: 12 }), "UTC")).toBe("Ada Lovelace scheduled 12 posts from a bulk import");
    expect(sentence(event("user.signed_in", {}, { actor_name: null, actor: "u_gone" }), "UTC")).toBe("A former member signed in");
    expect(sentence(event("some.new_thing"), "UTC")).toBe("Ada Lovelace some new thing");
  });

  it("says how long ago, in words", () => {
    const now = Date.parse("2026-12-07T14:00:00Z");
    expect(relativeTime("2026-12-07T13:59:50Z", now)).toBe("just now");
    expect(relativeTime("2026-12-07T13:55:00Z", now)).toBe("5 minutes ago");
    expect(relativeTime("2026-12-06T14:00:00Z", now)).toBe("yesterday");
    expect(relativeTime("2026-11-23T14:00:00Z", now)).toBe("2 weeks ago");
  });
});
