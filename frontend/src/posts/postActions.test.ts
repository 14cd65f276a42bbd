import { describe, expect, it } from "vitest";
import type { Post, Target } from "./api";
import { actionsFor, lastPublishedAt, listWords, unscheduleBody } from "./postActions";

function target(status: Target["status"], published_at: string | null = null): Target {
  return { account_id: `a_${status}`, network: "x", text: null, options: {}, status, attempts: 1, external_id: null, url: null, error: null, published_at };
}

function post(status: Post["status"], targets: Target[] = [target("pending")]): Post {
  return { id: "p_1", version: 2, status, text: "Hi", media_ids: [], first_comment: null, scheduled_at: null, timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "", targets };
}

describe("what a post's page offers", () => {
  it("a scheduled post: edit, publish now, cancel its schedule, delete, duplicate", () => {
    expect(actionsFor(post("scheduled"), true)).toEqual({ edit: true, publishNow: true, unschedule: true, cancelRest: false, delete: true, duplicate: true });
  });

  it("a draft cannot be unscheduled; a published post only duplicated", () => {
    expect(actionsFor(post("draft"), true)).toMatchObject({ edit: true, publishNow: true, unschedule: false, delete: true });
    expect(actionsFor(post("published", [target("published")]), true)).toEqual({ edit: false, publishNow: false, unschedule: false, cancelRest: false, delete: false, duplicate: true });
  });

  it("a partly published post can stop the networks still to go", () => {
    expect(actionsFor(post("partially_published", [target("published"), target("retrying")]), true).cancelRest).toBe(true);
    expect(actionsFor(post("partially_published", [target("published"), target("cancelled")]), true).cancelRest).toBe(false);
  });

  it("a viewer may do nothing", () => {
    expect(Object.values(actionsFor(post("scheduled"), false)).some(Boolean)).toBe(false);
  });

  it("helpers: the unschedule body, the last publication, lists in words", () => {
    expect(unscheduleBody(post("scheduled"))).toEqual({ version: 2, when: null });
    expect(lastPublishedAt(post("published", [target("published", "2026-12-01T09:00:00Z"), target("published", "2026-12-01T09:00:07Z")]))).toBe("2026-12-01T09:00:07Z");
    expect(lastPublishedAt(post("scheduled"))).toBeNull();
    expect(listWords(["X", "LinkedIn", "Bluesky"])).toBe("X, LinkedIn and Bluesky");
  });
});
