import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import { UserMenu } from "./WorkspaceSwitcher";

function renderMenu() {
  return render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={["/dashboard"]}>
        <Routes>
          <Route path="/login" element={<p>login page</p>} />
          <Route path="/dashboard" element={<UserMenu />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const ME = { user: { id: "u_1", email: "ada@example.com", name: "Ada", created_at: "" }, workspaces: [] };

function answer(status: number, body?: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  tokenStore.set(null);
});

describe("UserMenu", () => {
  it("signs out everywhere after asking, and goes to the sign-in page", async () => {
    tokenStore.set({ access_token: "a" });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    const fetch = vi.fn(async (path: string, _init?: RequestInit) => (path === "/v1/me" ? answer(200, ME) : answer(204)));
    vi.stubGlobal("fetch", fetch);
    renderMenu();
    fireEvent.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    await waitFor(() => expect(screen.getByText("login page")).toBeTruthy());
    const call = fetch.mock.calls.find(([path]) => path === "/v1/auth/sign-out-everywhere");
    expect(call?.[1]).toMatchObject({ method: "POST", headers: { Authorization: "Bearer a" } });
    expect(tokenStore.get()).toBeNull();
  });

  it("stays signed in and says so when the server could not do it", async () => {
    tokenStore.set({ access_token: "a" });
    vi.spyOn(window, "confirm").mockReturnValue(true);
    vi.stubGlobal(
      "fetch",
      vi.fn(async (path: string) =>
        path === "/v1/auth/sign-out-everywhere" ? answer(500, { error: { code: "error", message: "boom" } }) : answer(200, ME),
      ),
    );
    renderMenu();
    fireEvent.click(screen.getByRole("button", { name: "Sign out everywhere" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("boom"));
    expect(tokenStore.get()).toEqual({ access_token: "a" });
  });
});
