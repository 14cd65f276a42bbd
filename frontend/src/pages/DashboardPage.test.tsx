import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import { createQueryClient } from "../queryClient";
import { DashboardPage } from "./DashboardPage";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  localStorage.clear();
});

const WS = "w_1";
const HOUR = 60 * 60 * 1000;

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const failedPost = {
  id: "p_failed", version: 3, status: "failed", text: "Our winter menu", media_ids: [], first_comment: null,
  scheduled_at: new Date(Date.now() - 3 * 24 * HOUR).toISOString(), timezone: "UTC", recurrence: null,
  created_by: "u_1", created_at: "", updated_at: "",
  targets: [{ account_id: "a_1", network: "linkedin", text: null, options: {}, status: "failed", attempts: 5,
    external_id: null, url: null, error: "the token was revoked", published_at: null }],
};

/** The API as a new workspace (or one with a failure) answers it; returns the URLs asked. */
function serve({ operator = false, accounts = [] as unknown[], failed = [] as unknown[] } = {}) {
  const asked: string[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = new URL(String(input), "http://app");
    asked.push(url.pathname + url.search);
    const path = url.pathname;
    if (path === "/v1/me")
      return json({
        user: { id: "u_1", email: "a@example.com", name: "Ada", created_at: "" },
        workspaces: [{ id: WS, name: "Bakery", timezone: "UTC", created_at: "", role: "owner" }],
        operator,
      });
    if (path === "/v1/health") return json({ status: "ok", checks: [{ name: "dynamodb", ok: true, detail: "" }, { name: "s3", ok: true, detail: "" }] });
    if (path === "/v1/networks") return json({ items: [{ id: "linkedin", name: "LinkedIn", capabilities: [], limits: {} }] });
    if (path.endsWith("/accounts")) return json({ items: accounts });
    if (path.endsWith("/members")) return json({ items: [{ user_id: "u_1" }] });
    if (path.endsWith("/invitations")) return json({ items: [] });
    if (path.endsWith("/posts")) {
      const status = url.searchParams.get("status") ?? "";
      return json({ items: status.includes("failed") ? failed : [], next_cursor: null });
    }
    return json({ error: { code: "not_found", message: "no" } }, 404);
  });
  return asked;
}

function renderDashboard() {
  tokenStore.set({ access_token: "a" });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <DashboardPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("DashboardPage", () => {
  it("greets a new workspace with the checklist and 'Connect your first account', no system status", async () => {
    serve();
    renderDashboard();
    expect(await screen.findByRole("link", { name: "Connect your first account" })).toBeTruthy();
    expect(await screen.findByText("0 of 4 done")).toBeTruthy();
    expect(screen.queryByText(/Every account is connected/)).toBeNull();
    expect(screen.queryByRole("heading", { name: "System status" })).toBeNull();
  });

  it("asks for the last 30 days' failures and lists them with the network's name", async () => {
    const asked = serve({ failed: [failedPost] });
    renderDashboard();
    expect(await screen.findByRole("link", { name: "Our winter menu" })).toBeTruthy();
    expect(await screen.findByText("LinkedIn: the token was revoked")).toBeTruthy();
    const query = asked.find((u) => u.includes("status=failed"))!;
    const from = new URL(query, "http://app").searchParams.get("from");
    expect(from).not.toBeNull();
    const days = (Date.now() - new Date(from!).getTime()) / (24 * HOUR);
    expect(Math.round(days)).toBe(30);
  });

  it("shows the system status in words to operators", async () => {
    serve({ operator: true });
    renderDashboard();
    expect(await screen.findByRole("heading", { name: "System status" })).toBeTruthy();
    expect(await screen.findByText(/Database \(DynamoDB\): working/)).toBeTruthy();
  });

  it("hides a dismissed checklist", async () => {
    localStorage.setItem(`schedulo.setup-hidden.${WS}`, "1");
    serve();
    renderDashboard();
    await screen.findByRole("link", { name: "Connect your first account" });
    expect(screen.queryByText("0 of 4 done")).toBeNull();
  });
});
