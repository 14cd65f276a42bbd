import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { Workspace } from "../api/people";
import { SuspendedBanner } from "../components/SuspendedBanner";
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
