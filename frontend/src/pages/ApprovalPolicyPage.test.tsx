import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OFF_POLICY } from "../approvals/api";
import { ApprovalPolicyPage } from "./ApprovalPolicyPage";

let role = "admin";
vi.mock("../auth/WorkspaceGate", () => ({
  WorkspaceGate: ({ children }: { children: (w: unknown) => unknown }) =>
    children({ id: "w_1", name: "Acme", timezone: "UTC", created_at: "", role }),
}));

const MEMBERS = [
  { user_id: "u_ann", email: "ann@example.com", name: "Ann Legal", role: "editor", joined_at: "" },
  { user_id: "u_bob", email: "bob@example.com", name: "Bob Boss", role: "owner", joined_at: "" },
];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderPage() {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    if (url.endsWith("/members")) return json({ items: MEMBERS, next_cursor: null });
    if (init?.method === "PUT") return json({ policy: JSON.parse(String(init.body)), updated_by: "u_bob", updated_at: "2026-01-01T00:00:00Z" });
    return json({ policy: OFF_POLICY, updated_by: null, updated_at: null });
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ApprovalPolicyPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  role = "admin";
});

describe("ApprovalPolicyPage", () => {
  it("saves a two-step flow with a named approver, all of them, and the client", async () => {
    const fetchMock = renderPage();
    fireEvent.click(await screen.findByLabelText("A flow of up to three steps"));
    fireEvent.change(screen.getByLabelText("Name (optional)"), { target: { value: "Editorial" } });
    fireEvent.click(screen.getByRole("button", { name: "Add a step" }));
    const step2Members = screen.getByRole("group", { name: "Step 2 members" });
    fireEvent.click(within(step2Members).getByLabelText(/Ann Legal/));
    const step2Roles = screen.getByRole("group", { name: "Step 2 roles" });
    fireEvent.click(within(step2Roles).getByLabelText("admins"));
    fireEvent.click(within(screen.getByRole("radiogroup", { name: "Step 2 rule" })).getByLabelText(/All of/));
    fireEvent.click(screen.getAllByLabelText(/client's decision/)[1]);
    fireEvent.click(screen.getByRole("button", { name: "Save the policy" }));
    expect(await screen.findByText("The approval policy is saved.")).toBeTruthy();
    const put = fetchMock.mock.calls.find(([, init]) => init?.method === "PUT")!;
    expect(String(put[0])).toBe("/v1/workspaces/w_1/approval-policy");
    expect(JSON.parse(String(put[1]!.body))).toEqual({
      mode: "steps",
      required_below: "admin",
      allow_self_approval: false,
      reapprove_on_reschedule: false,
      steps: [
        { name: "Editorial", roles: ["admin", "owner"], user_ids: [], rule: "any", allow_client: false },
        { name: null, roles: ["owner"], user_ids: ["u_ann"], rule: "all", allow_client: true },
      ],
    });
  });

  it("is read-only below admin", async () => {
    role = "editor";
    renderPage();
    await screen.findByText(/Only owners and admins change the policy/);
    expect(screen.queryByRole("button", { name: "Save the policy" })).toBeNull();
    expect(screen.getByLabelText(/Off: posts are scheduled/).matches(":disabled")).toBe(true);
  });
});
