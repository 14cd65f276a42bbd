// Approvals (issue 21): the workspace's policy, a post's way through it, and the
// decisions (API: /v1/workspaces/{ws}/approval-policy, .../posts/{id}/submit|approve|
// reject|request-changes, .../approvals?box=, .../approvals/bulk).
import type { Role } from "../api/people";
import type { Post } from "../posts/api";

export type ApprovalMode = "off" | "role" | "steps";
export type StepRule = "any" | "all";
export type Decision = "submit" | "approve" | "reject" | "request_changes" | "expire";

export interface ApprovalStep {
  name: string | null;
  roles: Role[];
  user_ids: string[];
  rule: StepRule;
  allow_client: boolean;
}

export interface ApprovalPolicy {
  mode: ApprovalMode;
  required_below: Role | null;
  steps: ApprovalStep[];
  allow_self_approval: boolean;
  reapprove_on_reschedule: boolean;
}

export interface PolicyOut {
  policy: ApprovalPolicy;
  updated_by: string | null;
  updated_at: string | null;
}

export interface Approval {
  step: number;
  actor: string;
  user_id: string | null;
  via: string | null;
  at: string;
  name: string | null;
}

export interface LastDecision {
  decision: Decision;
  actor: string;
  at: string;
  comment: string | null;
  step: number | null;
}

export interface ApprovalState {
  steps: ApprovalStep[];
  required: string[][];
  step: number;
  /** Steps no member may approve any more (their approvers left): owners and admins decide them. */
  unstaffed?: number[];
  approvals: Approval[];
  authors: string[];
  allow_self_approval: boolean;
  submitted_by: string | null;
  submitted_at: string | null;
  approved_at: string | null;
  publish_now: boolean;
  last: LastDecision | null;
  round: number;
}

export type Box = "waiting" | "submitted" | "all";

export const DECISION_PATHS: Record<"approve" | "reject" | "request_changes" | "submit", string> = {
  approve: "approve",
  reject: "reject",
  request_changes: "request-changes",
  submit: "submit",
};

export const DECISION_WORDS: Record<Decision, string> = {
  submit: "submitted it",
  approve: "approved",
  reject: "rejected it",
  request_changes: "asked for changes",
  expire: "it expired waiting",
};

export function decisionPath(workspaceId: string, postId: string, decision: keyof typeof DECISION_PATHS): string {
  return `/v1/workspaces/${workspaceId}/posts/${postId}/${DECISION_PATHS[decision]}`;
}

export const OFF_POLICY: ApprovalPolicy = {
  mode: "off",
  required_below: "admin",
  steps: [],
  allow_self_approval: false,
  reapprove_on_reschedule: false,
};

export function newStep(): ApprovalStep {
  return { name: null, roles: ["admin", "owner"], user_ids: [], rule: "any", allow_client: false };
}

/** Statuses a post waits in for a reviewer. */
export const DECIDABLE = new Set(["pending_approval", "expired"]);
/** Statuses its author may submit it from. */
export const SUBMITTABLE = new Set(["draft", "changes_requested", "rejected", "expired"]);

/** Whether `me` (a member with `role`) may decide the post's current step, as the server
 * decides it (domain/approvals.eligibility); the server has the last word. */
export function mayDecide(post: Post, me: { userId: string; role: Role | null }): boolean {
  const state = post.approval;
  if (!state || !DECIDABLE.has(post.status) || state.step >= state.steps.length) return false;
  if (!state.allow_self_approval && state.authors.includes(me.userId)) return false;
  const step = state.steps[state.step];
  const named = step.user_ids.includes(me.userId);
  const byRole = me.role !== null && step.roles.includes(me.role);
  const standIn = (state.unstaffed ?? []).includes(state.step) && (me.role === "owner" || me.role === "admin");
  if (!named && !byRole && !standIn) return false;
  return !state.approvals.some((a) => a.step === state.step && a.actor === me.userId);
}

/** "Step 2 of 3 · Legal" for the step a post waits for. */
export function stepLabel(state: ApprovalState): string {
  if (state.step >= state.steps.length) return "Approved";
  const step = state.steps[state.step];
  const name = step.name ? ` · ${step.name}` : "";
  return `Step ${state.step + 1} of ${state.steps.length}${name}`;
}

/** Who approves a step, in words. */
export function approversOf(step: ApprovalStep, names: Record<string, string>): string {
  const parts = [
    ...step.roles.map((r) => `${r}s`),
    ...step.user_ids.map((id) => names[id] ?? "a member"),
    ...(step.allow_client ? ["the client (review link)"] : []),
  ];
  const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} or ${parts[parts.length - 1]}` : parts[0] ?? "nobody";
  return step.rule === "all" && parts.length > 1 ? `all of: ${parts.join(", ")}` : `any one of ${list}`;
}
