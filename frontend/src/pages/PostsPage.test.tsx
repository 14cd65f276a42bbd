import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { PostsPage } from "./PostsPage";

vi.mock("../auth/session", () => ({
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: "editor", timezone: "UTC" }, workspaces: [], choose: () => {} }),
}));

const ACCOUNTS = { items: [{ id: "a_x", network: "x", display_name: "Demo Bakery", handle: "demo", status: "connected" }] };
const POST = {
  id: "p_1", version: 1, status: "scheduled", text: "Fresh bread at nine", media_ids: [], first_comment: null,
  scheduled_at: "2026-12-08T09:00:00Z", timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "",
  targets: [{ account_id: "a_x", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
};

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("PostsPage", () => {
  it("searches and filters through the API's list parameters, and links each post", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      const url = String(input);
      if (url.includes("/accounts")) return json(ACCOUNTS);
      return json({ items: url.includes("q=croissant") ? [] : [POST], next_cursor: null });
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <MemoryRouter initialEntries={["/posts"]}>
          <PostsPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect((await screen.findByRole("link", { name: "Fresh bread at nine" })).getAttribute("href")).toBe("/posts/p_1");
    expect(screen.getByText("Demo Bakery")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Account"), { target: { value: "a_x" } });
    fireEvent.change(screen.getByLabelText("Status"), { target: { value: "published" } });
    fireEvent.change(screen.getByLabelText("Search"), { target: { value: "croissant" } });
    expect(await screen.findByText("No post matches these filters.")).toBeTruthy();
    const last = new URL(String(fetchMock.mock.calls.at(-1)?.[0]), "http://x");
    expect(last.pathname).toBe("/v1/workspaces/w_1/posts");
    expect(Object.fromEntries(last.searchParams)).toMatchObject({ q: "croissant", account_id: "a_x", status: "published,partially_published" });
    fireEvent.click(screen.getAllByRole("button", { name: "Clear filters" })[0]);
    await waitFor(() => expect(screen.getByRole("link", { name: "Fresh bread at nine" })).toBeTruthy());
  });
});
