import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { newStep, type ApprovalState } from "../approvals/api";
import type { Post } from "../posts/api";
import { ApprovalsPage } from "./ApprovalsPage";

vi.mock("../auth/WorkspaceGate", () => ({
  WorkspaceGate: ({ children }: { children: (w: unknown) => unknown }) =>
    children({ id: "w_1", name: "Acme", timezone: "UTC", created_at: "", role: "admin" }),
}));
vi.mock("../auth/session", () => ({
  useMe: () => ({ data: { user: { id: "u_me", email: "me@example.com", name: "Me", created_at: "" }, workspaces: [] } }),
}));

const STATE: ApprovalState = {
  steps: [{ ...newStep(), name: "Editorial", roles: ["admin"] }],
  required: [[]], step: 0, approvals: [], authors: ["u_author"], allow_self_approval: false,
  submitted_by: "u_author", submitted_at: null, approved_at: null, publish_now: false, last: null, round: 1,
};

function post(id: string, text: string): Post {
  return {
    id, version: 2, status: "pending_approval", text, media_ids: [], first_comment: null, scheduled_at: "2030-01-02T09:00:00Z",
    timezone: "UTC", recurrence: null, created_by: "u_author", created_at: "", updated_at: "",
    targets: [{ account_id: "a_1", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
    approval: STATE,
  };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("ApprovalsPage", () => {
  it("lists what waits for me, approves one with a comment, and rejects the rest in bulk", async () => {
    let waiting = [post("p_1", "First post"), post("p_2", "Second post"), post("p_3", "Third post")];
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input);
      if (url.includes("/approvals/bulk")) {
        const ids: string[] = JSON.parse(String(init!.body)).post_ids;
        waiting = waiting.filter((p) => !ids.includes(p.id));
        return json({ items: ids.map((id) => ({ post_id: id, status: 200, error: null })), succeeded: ids.length, failed: 0 });
      }
      if (url.endsWith("/posts/p_1/approve")) {
        waiting = waiting.filter((p) => p.id !== "p_1");
        return json({ ...post("p_1", "First post"), status: "scheduled", approval: { ...STATE, step: 1, approved_at: "2030-01-01T00:00:00Z" } });
      }
      if (url.includes("/approvals?")) return json({ items: waiting, next_cursor: null });
      if (url.endsWith("/approval-policy")) return json({ policy: { mode: "steps", required_below: null, steps: STATE.steps, allow_self_approval: false, reapprove_on_reschedule: false }, updated_by: null, updated_at: null });
      return json({ items: [], next_cursor: null });
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={["/approvals"]}>
          <ApprovalsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const first = await screen.findByRole("article", { name: "First post" });
    fireEvent.change(within(first).getByLabelText("Comment (sent to the author)"), { target: { value: "Nice" } });
    fireEvent.click(within(first).getByRole("button", { name: "Approve" }));
    await waitFor(() => expect(screen.queryByRole("article", { name: "First post" })).toBeNull());
    const approve = fetchMock.mock.calls.find(([url]) => String(url).endsWith("/posts/p_1/approve"))!;
    expect(JSON.parse(String(approve[1]!.body))).toEqual({ version: 2, comment: "Nice" });

    fireEvent.click(screen.getByLabelText("Select all"));
    fireEvent.click(screen.getByRole("button", { name: "Reject 2 selected" }));
    await screen.findByText("Nothing waits for your approval.");
    const bulk = fetchMock.mock.calls.find(([url]) => String(url).includes("/approvals/bulk"))!;
    expect(JSON.parse(String(bulk[1]!.body))).toEqual({ decision: "reject", post_ids: ["p_2", "p_3"], comment: null });
  });

  it("asks for a new time to approve a post that expired waiting, and sends it", async () => {
    const expired: Post = { ...post("p_9", "Missed its time"), status: "expired" };
    let waiting = [expired];
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = String(input);
      if (url.endsWith("/posts/p_9/approve")) {
        waiting = [];
        return json({ ...expired, status: "scheduled", scheduled_at: "2030-02-03T10:30:00Z", approval: { ...STATE, step: 1, approved_at: "2030-01-01T00:00:00Z" } });
      }
      if (url.includes("/approvals?")) return json({ items: waiting, next_cursor: null });
      if (url.endsWith("/approval-policy")) return json({ policy: { mode: "steps", required_below: null, steps: STATE.steps, allow_self_approval: false, reapprove_on_reschedule: false }, updated_by: null, updated_at: null });
      return json({ items: [], next_cursor: null });
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={["/approvals"]}>
          <ApprovalsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const item = await screen.findByRole("article", { name: "Missed its time" });
    within(item).getByText("Its time passed while it waited: approving it needs a new time.");
    fireEvent.change(within(item).getByLabelText("New time (UTC)"), { target: { value: "2030-02-03T10:30" } });
    fireEvent.click(within(item).getByRole("button", { name: "Approve" }));
    await screen.findByText("Nothing waits for your approval.");
    const approve = fetchMock.mock.calls.find(([url]) => String(url).endsWith("/posts/p_9/approve"))!;
    expect(JSON.parse(String(approve[1]!.body))).toEqual({
      version: 2,
      comment: null,
      when: { at: "2030-02-03T10:30", timezone: "UTC" },
    });
  });
});
