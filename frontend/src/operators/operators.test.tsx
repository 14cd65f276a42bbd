import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { Workspace } from "../api/people";
import { SuspendedBanner } from "../components/SuspendedBanner";
import { HealthPanel } from "./Health";
import { SupportAccess } from "./SupportAccess";

function wrap(children: ReactNode) {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>{children}</MemoryRouter>
    </QueryClientProvider>,
  );
}

function answer(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const WS: Workspace = { id: "w_1", name: "Corner Bakery", timezone: "UTC", created_at: "", role: "owner" };
const me = (workspace: Workspace) => ({ user: { id: "u_1", email: "a@example.com", name: "A", created_at: "" }, workspaces: [workspace] });

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  tokenStore.set(null);
});

describe("SuspendedBanner", () => {
  it("says the workspace is suspended and why", async () => {
    tokenStore.set({ access_token: "a" });
    const suspended = { ...WS, suspended: { reason: "Unpaid invoices", at: new Date().toISOString() } };
    vi.stubGlobal("fetch", vi.fn(async () => answer(200, me(suspended))));
    wrap(<SuspendedBanner />);
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("Corner Bakery is suspended.");
    expect(banner.textContent).toContain("Unpaid invoices");
  });

  it("shows nothing for a workspace in good standing", async () => {
    tokenStore.set({ access_token: "a" });
    const fetch = vi.fn(async () => answer(200, me(WS)));
    vi.stubGlobal("fetch", fetch);
    const { container } = wrap(<SuspendedBanner />);
    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(container.textContent).toBe("");
  });
});

describe("SupportAccess", () => {
  it("grants support access for 24 hours", async () => {
    tokenStore.set({ access_token: "a" });
    const fetch = vi.fn(async (path: string, _init?: RequestInit) => answer(200, path === "/v1/me" ? me(WS) : WS));
    vi.stubGlobal("fetch", fetch);
    wrap(<SupportAccess workspace={WS} />);
    expect(screen.getByRole("status").textContent).toBe("Support cannot read your posts.");
    fireEvent.click(screen.getByRole("button", { name: "Grant for 24 hours" }));
    await waitFor(() => expect(fetch.mock.calls.some(([path]) => path === "/v1/workspaces/w_1/support-access")).toBe(true));
    const call = fetch.mock.calls.find(([path]) => path === "/v1/workspaces/w_1/support-access");
    expect(call?.[1]).toMatchObject({ method: "PUT", body: JSON.stringify({ hours: 24 }) });
  });

  it("lets an admin end it early and shows an editor the state only", () => {
    const granted = { ...WS, support_access_until: "2099-01-01T00:00:00Z" };
    const { unmount } = wrap(<SupportAccess workspace={granted} />);
    expect(screen.getByRole("status").textContent).toContain("Support can read your posts until");
    expect(screen.getByRole("button", { name: "End support access now" })).toBeTruthy();
    unmount();
    wrap(<SupportAccess workspace={{ ...granted, role: "editor" }} />);
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("HealthPanel", () => {
  it("shows each network's hour and day, the queues and the sweeper's last run", async () => {
    tokenStore.set({ access_token: "a" });
    const window = {
      attempts: 3,
      published: 1,
      retried: 1,
      failed: 1,
      unconfirmed: 0,
      success_rate: 0.5,
      failure_kinds: { duplicate: 1, transient: 1 },
      lateness_p50_seconds: 1.19,
      lateness_p99_seconds: 1.49,
    };
    const health = {
      generated_at: new Date().toISOString(),
      networks: [{ network: "x", name: "X", hour: window, day: { ...window, attempts: 30 } }],
      queues: [
        { name: "dead_letters", label: "Failed posts (dead letters)", visible: 4, in_flight: 0, delayed: 0, error: null },
        { name: "webhooks", label: "Webhook deliveries", visible: null, in_flight: null, delayed: null, error: "AccessDenied" },
      ],
      collection: { due: 12, oldest_due_at: null },
      sweeper: { at: new Date().toISOString(), counts: { looked_at: 2, armed: 1, invoked: 0, expired: 0 }, acted_on: [{ workspace_id: "w_9", post_id: "p_1", action: "armed" }], networks_failing: { linkedin: 0.4 }, networks_late: {} },
    };
    const fetch = vi.fn(async (_url: RequestInfo | URL) => answer(200, health));
    vi.stubGlobal("fetch", fetch);
    wrap(<HealthPanel />);
    const table = await screen.findByRole("table");
    const rows = within(table).getAllByRole("row");
    expect(rows[1].textContent).toContain("Last hour");
    expect(rows[1].textContent).toContain("50.0 %");
    expect(rows[1].textContent).toContain("duplicate 1, transient 1");
    expect(rows[1].textContent).toContain("≤ 1.49 s");
    expect(rows[2].textContent).toContain("30");
    expect(screen.getByText(/4 waiting, 0 in flight/)).toBeTruthy();
    expect(screen.getByText(/could not be read \(AccessDenied\)/)).toBeTruthy();
    expect(screen.getByText(/12 refreshes due/)).toBeTruthy();
    expect(screen.getByText(/failure-rate threshold \(more than 20 % failed\): linkedin 40 %; none late/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "w_9" }).getAttribute("href")).toBe("/operators/w_9");
    expect(String(fetch.mock.calls[0][0])).toContain("/v1/admin/health");
  });
});
