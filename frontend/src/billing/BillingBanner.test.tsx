import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { Workspace } from "../api/people";
import { BillingBanner } from "./BillingBanner";

const WS: Workspace = { id: "w_1", name: "Corner Bakery", timezone: "UTC", created_at: "", role: "owner" };
const ME = { user: { id: "u_1", email: "a@example.com", name: "A", created_at: "" }, workspaces: [WS] };

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  tokenStore.set(null);
});

function serve(billing: Record<string, unknown>) {
  const fetch = vi.fn(async (path: string) => {
    const body = path === "/v1/me" ? ME : { enabled: true, can_manage: true, restricted: false, grace_end: null, ...billing };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  vi.stubGlobal("fetch", fetch);
  tokenStore.set({ access_token: "a" });
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter>
        <BillingBanner />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("BillingBanner", () => {
  it("says on every page that the workspace is restricted, with the way to Billing", async () => {
    serve({ restricted: true, grace_end: "2030-01-08T00:00:00Z" });
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("nothing new can be scheduled");
    expect(screen.getByRole("link", { name: "Update the card in Billing" }).getAttribute("href")).toBe("/settings/billing");
  });

  it("says while a failed payment's grace runs", async () => {
    serve({ grace_end: "2030-01-08T00:00:00Z" });
    expect((await screen.findByRole("status")).textContent).toContain("Corner Bakery's plan holds until");
  });

  it("shows nothing when the payments are in order", async () => {
    const { container } = serve({});
    await waitFor(() => expect(vi.mocked(globalThis.fetch)).toHaveBeenCalledWith("/v1/workspaces/w_1/billing", expect.anything()));
    expect(container.textContent).toBe("");
  });
});
