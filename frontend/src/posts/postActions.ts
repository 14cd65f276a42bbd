// What a person may do with one post from its page, and the API calls behind each action.
import type { Post, PostBody, PostStatus } from "./api";

/** Not yet on its way: it can still be edited, rescheduled or deleted (EDITABLE in the API). */
const EDITABLE = new Set<PostStatus>(["draft", "pending_approval", "changes_requested", "rejected", "expired", "approved", "scheduled"]);
/** Waiting for its time: cancelling sends it back to drafts. */
const WAITING = new Set<PostStatus>(["scheduled", "approved"]);
/** Some networks still to go: cancelling stops the rest, the published ones stay. */
const PARTLY_DONE = new Set<PostStatus>(["failed", "partially_published"]);

export interface PostActions {
  edit: boolean;
  publishNow: boolean;
  /** Back to drafts (PATCH `when: null`). */
  unschedule: boolean;
  /** Stop the networks not yet published (DELETE keeps the post). */
  cancelRest: boolean;
  delete: boolean;
  duplicate: boolean;
}

export function actionsFor(post: Post, canWrite: boolean): PostActions {
  const editable = EDITABLE.has(post.status);
  const rest = PARTLY_DONE.has(post.status) && post.targets.some((t) => !["published", "publishing", "cancelled"].includes(t.status));
  return {
    edit: canWrite && editable,
    publishNow: canWrite && (post.status === "draft" || WAITING.has(post.status)),
    unschedule: canWrite && WAITING.has(post.status),
    cancelRest: canWrite && rest,
    delete: canWrite && editable,
    duplicate: canWrite,
  };
}

/** The body of a new draft with the same content, accounts, variants and first comment. */
export function duplicateBody(post: Post): PostBody {
  return {
    text: post.text,
    media_ids: [...post.media_ids],
    targets: post.targets.map((t) => ({ account_id: t.account_id, ...(t.text ? { text: t.text } : {}), options: t.options ?? {} })),
    first_comment: post.first_comment,
  };
}

/** The PATCH that takes a waiting post off the schedule: it stays, as a draft. */
export function unscheduleBody(post: Post): { version: number; when: null } {
  return { version: post.version, when: null };
}

/** When the post last went out on any network (null before it did). */
export function lastPublishedAt(post: Post): string | null {
  const times = post.targets.map((t) => t.published_at).filter((t): t is string => Boolean(t));
  return times.length ? times.reduce((a, b) => (Date.parse(a) >= Date.parse(b) ? a : b)) : null;
}

/** "X", "X and LinkedIn", "X, LinkedIn and Bluesky". */
export function listWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}
