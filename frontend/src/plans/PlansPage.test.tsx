// The Plans page's generate path: the brief (and rules never saved) are saved first, then the
// plan is asked for and polled until ready, and its grid shows.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Workspace } from "../api/people";
import type { Plan } from "./api";
import { PlansPage } from "./PlansPage";

const WORKSPACE: Workspace = { id: "w_1", name: "Crumb", timezone: "UTC", created_at: "", role: "owner" };
vi.mock("../auth/session", () => ({
  useMe: () => ({ isPending: false, isError: false, data: { user: { id: "u_1" }, workspaces: [WORKSPACE] } }),
  useWorkspace: () => ({ workspace: WORKSPACE, workspaces: [WORKSPACE], choose: () => undefined }),
}));

const ACCOUNT = {
  id: "acc_x", network: "x", display_name: "Crumb & Co", handle: "crumbco", avatar_url: null, kind: "profile", status: "connected",
  token_expires_at: null, slots: [], timezone: "UTC", last_error: null, scheduled_posts: 0,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const READY: Plan = {
  plan_id: "plan_1", month: "2027-03", status: "ready", progress: 100, writer: "bedrock:anthropic.claude-3-haiku",
  items: [
    {
      item_id: "i1", kind: "post", pillar: "Tips", title: "Three tips", slot: "2027-03-02T09:00:00+00:00", post_id: "p1",
      status: "draft", writer: "bedrock:anthropic.claude-3-haiku", media_id: null, image_template: "tip", headline: "Tips", version: 1,
      captions: [{ account_id: "acc_x", network: "x", text: "Three tips", hashtags: [], count: 10, limit: 280 }],
    },
  ],
};

function serve() {
  const calls: string[] = [];
  let polls = 0;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    calls.push(`${method} ${url}`);
    if (url.endsWith("/accounts")) return json({ items: [ACCOUNT] });
    if (url.endsWith("/brand") || url.includes("/briefs/")) {
      return method === "PUT" ? json(body) : new Response(null, { status: 204 }); // none saved yet
    }
    if (url.endsWith("/posting-rules")) return json(method === "PUT" ? body : { rules: [] });
    if (url.includes("/plans?month=")) return json({ items: [] });
    if (method === "POST" && url.endsWith("/plans")) return json({ ...READY, status: "generating", progress: 0, items: [] }, 202);
    if (url.endsWith("/plans/plan_1")) {
      polls += 1;
      return json(polls < 2 ? { ...READY, status: "generating", progress: 50, items: [] } : READY);
    }
    if (url === "/v1/networks") return json({ items: [] });
    return json({ error: { code: "not_found", message: url } }, 404);
  });
  return calls;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("PlansPage", () => {
  it("saves the brief and the rules, generates, follows the progress and shows the grid", async () => {
    const calls = serve();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={["/plans?month=2027-03"]}>
          <PlansPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    // The account is in the brief from the start; the month is the one asked for.
    const account = (await screen.findByRole("checkbox", { name: /Crumb & Co/ })) as HTMLInputElement;
    expect(account.checked).toBe(true);
    expect((screen.getByLabelText("Month") as HTMLSelectElement).value).toBe("2027-03");

    fireEvent.click(screen.getByRole("button", { name: "Generate the March 2027 plan" }));
    await screen.findByRole("progressbar");
    await screen.findByRole("heading", { name: "1 post for March 2027" }, { timeout: 4000 });
    expect(screen.getAllByText(/Written by Amazon Bedrock \(anthropic.claude-3-haiku\)/).length).toBeGreaterThan(0);
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("100");
    // The setup folded away once the plan was asked for, each step a line that opens again.
    const brief = screen.getByRole("button", { name: "Show Brief for March 2027" });
    expect(brief.getAttribute("aria-expanded")).toBe("false");
    expect(screen.queryByRole("checkbox", { name: /Crumb & Co/ })).toBeNull();
    fireEvent.click(brief);
    expect(screen.getByRole("checkbox", { name: /Crumb & Co/ })).toBeTruthy();

    const writes = calls.filter((c) => !c.startsWith("GET"));
    expect(writes).toEqual([
      "PUT /v1/workspaces/w_1/briefs/2027-03",
      "PUT /v1/workspaces/w_1/posting-rules",
      "POST /v1/workspaces/w_1/plans",
    ]);
  });
});
