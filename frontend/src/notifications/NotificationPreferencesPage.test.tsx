import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotificationPreferencesPage } from "./NotificationPreferencesPage";

vi.mock("../auth/WorkspaceGate", () => ({
  WorkspaceGate: ({ children }: { children: (w: unknown) => unknown }) =>
    children({ id: "w_1", name: "Bakery", timezone: "Europe/Paris", created_at: "", role: "editor" }),
}));

const SAVED = {
  immediate: { failures: true, connections: true, approvals: true, security: true },
  digest: "off",
  timezone: null,
  effective_timezone: "Europe/Paris",
  next_digest_at: null,
  security_locked: true,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("NotificationPreferencesPage", () => {
  it("keeps security on and saves the categories and a weekly digest in the workspace's zone", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) => {
      if (init?.method === "PUT") {
        const body = JSON.parse(String(init.body));
        return json({ ...SAVED, ...body, next_digest_at: "2030-06-03T06:00:00Z" });
      }
      return json(SAVED);
    });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter>
          <NotificationPreferencesPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const security = (await screen.findByRole("checkbox", { name: /Security/ })) as HTMLInputElement;
    expect(security.checked && security.disabled).toBe(true);
    expect(screen.getByText(/cannot be turned off/)).toBeTruthy();
    fireEvent.click(screen.getByRole("checkbox", { name: /Failed posts/ }));
    fireEvent.click(screen.getByRole("radio", { name: "Weekly" }));
    fireEvent.click(screen.getByRole("button", { name: "Save preferences" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "PUT")).toBe(true));
    const put = fetchMock.mock.calls.find(([, init]) => init?.method === "PUT");
    expect(String(put?.[0])).toBe("/v1/workspaces/w_1/notification-preferences");
    expect(JSON.parse(String(put?.[1]?.body))).toEqual({
      immediate: { failures: false, connections: true, approvals: true, security: true },
      digest: "weekly",
      timezone: null,
    });
  });
});
