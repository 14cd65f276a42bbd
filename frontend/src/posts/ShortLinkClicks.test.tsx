import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Post } from "./api";
import { ShortLinkClicks } from "./ShortLinkClicks";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function renderFor(status: string, items: unknown[]) {
  const fetchMock = vi
    .spyOn(globalThis, "fetch")
    .mockImplementation(async () => new Response(JSON.stringify({ items }), { headers: { "Content-Type": "application/json" } }));
  const post = { id: "p_1", targets: [{ status }] } as unknown as Post;
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <ShortLinkClicks workspaceId="w_1" post={post} />
    </QueryClientProvider>,
  );
  return fetchMock;
}

describe("ShortLinkClicks", () => {
  it("shows each network's short link, where it leads and its clicks", async () => {
    renderFor("published", [
      { code: "Ab12Cd34", url: "https://s.example/l/Ab12Cd34", target_url: "https://shop.example.com/?utm_source=x", network: "x", clicks: 1234, created_at: "", last_clicked_at: null },
    ]);
    const table = await screen.findByRole("table");
    expect(screen.getByRole("heading", { name: "Link clicks" })).toBeTruthy();
    expect(table.textContent).toContain("https://s.example/l/Ab12Cd34");
    expect(table.textContent).toContain("leads to https://shop.example.com/?utm_source=x");
    expect(screen.getByRole("cell", { name: "1,234" })).toBeTruthy();
  });

  it("asks nothing for a post not yet out", () => {
    const fetchMock = renderFor("pending", []);
    expect(fetchMock).not.toHaveBeenCalled();
    expect(screen.queryByRole("table")).toBeNull();
  });
});
