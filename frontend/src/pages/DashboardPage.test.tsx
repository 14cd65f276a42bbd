import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Toasts";
import type { Post, Target } from "../posts/api";
import { createQueryClient } from "../queryClient";
import { DashboardPage } from "./DashboardPage";

vi.mock("../auth/session", () => ({
  useMe: () => ({ isPending: false, isError: false }),
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: "editor" }, workspaces: [], choose: () => {} }),
}));

function target(network: string, status: Target["status"], error: string | null = null): Target {
  return { account_id: `a_${network}`, network, text: null, options: {}, status, attempts: 1, external_id: null, url: null, error, published_at: null };
}

function post(id: string, status: Post["status"], targets: Target[]): Post {
  return {
    id, version: 1, status, text: `Post ${id}`, media_ids: [], first_comment: null, scheduled_at: new Date().toISOString(),
    timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "", targets,
  };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const failed = post("p_failed", "failed", [target("linkedin", "failed", "LinkedIn refused the post: too long.")]);
const week = [post("p_1", "scheduled", [target("x", "pending")]), post("p_2", "published", [target("x", "published")]), failed];

function serve(retry: () => Response) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(String(input), "http://app.test");
    if (url.pathname === "/v1/health") return json({ status: "ok", checks: [{ name: "dynamodb", ok: true, detail: "" }] });
    if (url.pathname.endsWith("/retry") && init?.method === "POST") return retry();
    if (url.pathname.endsWith("/accounts")) {
      return json({ items: [{ id: "a_ig", network: "instagram", display_name: "Bakery", status: "needs_reconnect", last_error: "Token revoked", slots: [] }] });
    }
    const status = url.searchParams.get("status");
    if (status === "scheduled") return json({ items: [week[0]], next_cursor: null });
    if (status?.startsWith("failed")) return json({ items: [failed], next_cursor: null });
    return json({ items: week, next_cursor: null });
  });
}

function renderDashboard() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <DashboardPage />
        <Toasts />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("DashboardPage", () => {
  it("shows the week's counts, what failed and why, and accounts to reconnect; retry sends it again", async () => {
    const fetchMock = serve(() => json(failed));
    renderDashboard();
    const counts = await screen.findByText("Scheduled");
    const list = counts.closest("dl")!;
    expect(within(list).getAllByRole("definition").map((d) => d.textContent)).toEqual(["1", "1", "1"]);
    expect(await screen.findByText("linkedin: LinkedIn refused the post: too long.")).toBeTruthy();
    expect(await screen.findByText(/Bakery \(instagram\): Needs reconnecting — Token revoked/)).toBeTruthy();
    expect(await screen.findByText("dynamodb: reachable")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Reconnect in Accounts" }).getAttribute("href")).toBe("/accounts");

    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
    await waitFor(() =>
      expect(fetchMock.mock.calls.some(([url, init]) => String(url).endsWith("/posts/p_failed/retry") && init?.method === "POST")).toBe(true),
    );
  });

  it("shows the API's message in a toast when a retry is refused", async () => {
    serve(() => json({ error: { code: "conflict", message: "Nothing to retry: the post is publishing.", details: [] } }, 409));
    renderDashboard();
    fireEvent.click(await screen.findByRole("button", { name: "Retry" }));
    const toasts = screen.getByRole("region", { name: "Messages" });
    expect(await within(toasts).findByText("Nothing to retry: the post is publishing.")).toBeTruthy();
  });
});
