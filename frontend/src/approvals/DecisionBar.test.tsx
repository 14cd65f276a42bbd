// The approval bar as the post's page shows it: where the post stands, and the decisions
// its viewer may make (an approver of the current step; the author, once it is sent back).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Workspace } from "../api/people";
import type { Post } from "../posts/api";
import { newStep, type ApprovalState } from "./api";
import { DecisionBar } from "./DecisionBar";

let me = "u_admin";
vi.mock("../auth/session", () => ({
  useMe: () => ({ data: { user: { id: me, email: `${me}@example.com`, name: me, created_at: "" }, workspaces: [] } }),
}));

const WORKSPACE: Workspace = { id: "w_1", name: "Acme", timezone: "UTC", created_at: "", role: "admin" };
const STATE: ApprovalState = {
  steps: [{ ...newStep(), name: "Editorial", roles: ["admin"] }, { ...newStep(), name: "Legal", roles: ["owner"] }],
  required: [[], []], step: 0, approvals: [], authors: ["u_author"], allow_self_approval: false,
  submitted_by: "u_author", submitted_at: null, approved_at: null, publish_now: false, last: null, round: 1,
};
const POST: Post = {
  id: "p_1", version: 3, status: "pending_approval", text: "Spring sale", media_ids: [], first_comment: null,
  scheduled_at: "2030-01-02T09:00:00Z", timezone: "UTC", recurrence: null, created_by: "u_author", created_at: "", updated_at: "",
  targets: [], approval: STATE,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function serve(answer: (url: string, body: unknown) => Response | null) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    const found = answer(url, init?.body ? JSON.parse(String(init.body)) : null);
    if (found) return found;
    if (url.endsWith("/members")) {
      return json({ items: [{ user_id: "u_author", name: "Ed Author", email: "ed@example.com", role: "editor" }], next_cursor: null });
    }
    if (url.endsWith("/approval-policy")) {
      return json({ policy: { mode: "steps", required_below: null, steps: STATE.steps, allow_self_approval: false, reapprove_on_reschedule: false }, updated_by: null, updated_at: null });
    }
    return json({ error: { code: "not_found", message: "?" } }, 404);
  });
}

function show(post: Post, workspace: Workspace = WORKSPACE) {
  const onDecided = vi.fn();
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <DecisionBar workspace={workspace} post={post} onDecided={onDecided} />
    </QueryClientProvider>,
  );
  return onDecided;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  me = "u_admin";
});

describe("DecisionBar on a post's page", () => {
  it("lets an approver of the current step request changes with a comment, on the version shown", async () => {
    const sent: unknown[] = [];
    serve((url, body) => {
      if (!url.endsWith("/posts/p_1/request-changes")) return null;
      sent.push(body);
      return json({ ...POST, version: 4, status: "changes_requested", approval: { ...STATE, last: { decision: "request_changes", actor: "u_admin", at: "2030-01-01T00:00:00Z", comment: "Say 20% off", step: 1 } } });
    });
    const onDecided = show(POST);
    expect(screen.getByRole("region", { name: "Approval" })).toBeTruthy();
    await screen.findByText(/waits for any one of admins/);
    fireEvent.change(screen.getByLabelText("Comment (sent to the author)"), { target: { value: "Say 20% off" } });
    for (const name of ["Approve", "Request changes", "Reject"]) screen.getByRole("button", { name });
    fireEvent.click(screen.getByRole("button", { name: "Request changes" }));
    await waitFor(() => expect(onDecided).toHaveBeenCalled());
    expect(sent).toEqual([{ version: 3, comment: "Say 20% off" }]);
    expect(onDecided.mock.calls[0][0].status).toBe("changes_requested");
  });

  it("offers its author no decision, only to submit it again once sent back", async () => {
    me = "u_author";
    const sent: string[] = [];
    serve((url) => {
      if (!url.endsWith("/posts/p_1/submit")) return null;
      sent.push(url);
      return json({ ...POST, version: 5 });
    });
    const editor: Workspace = { ...WORKSPACE, role: "editor" };
    show(POST, editor);
    await screen.findByText(/waits for any one of admins/);
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
    cleanup();
    const sentBack: Post = {
      ...POST,
      status: "changes_requested",
      approval: { ...STATE, last: { decision: "request_changes", actor: "u_admin", at: "2030-01-01T00:00:00Z", comment: "Say 20% off", step: 1 } },
    };
    show(sentBack, editor);
    await screen.findByText(/“Say 20% off”/);
    fireEvent.click(await screen.findByRole("button", { name: "Submit for approval" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(screen.queryByRole("button", { name: "Approve" })).toBeNull();
  });
});
