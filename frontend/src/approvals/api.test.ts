import { describe, expect, it } from "vitest";
import type { Post } from "../posts/api";
import { approversOf, mayDecide, newStep, stepLabel, type ApprovalState } from "./api";

function state(fields: Partial<ApprovalState> = {}): ApprovalState {
  return {
    steps: [{ ...newStep(), name: "Editor", roles: ["editor"] }, { ...newStep(), name: "Legal", roles: [], user_ids: ["u_legal"] }],
    required: [[], []], step: 0, approvals: [], authors: ["u_author"], allow_self_approval: false,
    submitted_by: "u_author", submitted_at: null, approved_at: null, publish_now: false, last: null, round: 1, ...fields,
  };
}

const post = (approval: ApprovalState, status = "pending_approval") => ({ status, approval }) as unknown as Post;

describe("approvals helpers", () => {
  it("lets the step's approvers decide, never the author or twice", () => {
    expect(mayDecide(post(state()), { userId: "u_ed", role: "editor" })).toBe(true);
    expect(mayDecide(post(state()), { userId: "u_author", role: "editor" })).toBe(false);
    expect(mayDecide(post(state()), { userId: "u_admin", role: "admin" })).toBe(false);
    expect(mayDecide(post(state({ step: 1 })), { userId: "u_legal", role: "viewer" })).toBe(true);
    const done = state({ approvals: [{ step: 0, actor: "u_ed", user_id: "u_ed", via: "editor", at: "", name: null }] });
    expect(mayDecide(post(done), { userId: "u_ed", role: "editor" })).toBe(false);
    expect(mayDecide(post(state(), "scheduled"), { userId: "u_ed", role: "editor" })).toBe(false);
  });
  it("lets owners and admins decide a step whose approvers all left, as the server does", () => {
    const orphaned = state({ step: 1, unstaffed: [1] });
    expect(mayDecide(post(orphaned), { userId: "u_admin", role: "admin" })).toBe(true);
    expect(mayDecide(post(orphaned), { userId: "u_owner", role: "owner" })).toBe(true);
    expect(mayDecide(post(orphaned), { userId: "u_ed", role: "editor" })).toBe(false);
    expect(mayDecide(post(state({ step: 1 })), { userId: "u_admin", role: "admin" })).toBe(false);
  });
  it("names the step and its approvers", () => {
    expect(stepLabel(state({ step: 1 }))).toBe("Step 2 of 2 · Legal");
    expect(approversOf({ ...newStep(), roles: ["admin"], user_ids: ["u_1"] }, { u_1: "Ann" })).toBe("any one of admins or Ann");
    expect(approversOf({ ...newStep(), roles: ["admin"], user_ids: ["u_1"], rule: "all" }, { u_1: "Ann" })).toBe("all of: admins, Ann");
  });
});
