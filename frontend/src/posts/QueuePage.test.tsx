import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Toasts";
import { createQueryClient } from "../queryClient";
import type { Post } from "./api";
import { QueuePage } from "./QueuePage";

vi.mock("../auth/session", () => ({
  useMe: () => ({ isPending: false, isError: false }),
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: "editor" }, workspaces: [], choose: () => {} }),
}));

function post(id: string, at: string): Post {
  return {
    id, version: 4, status: "scheduled", text: `Queued ${id}`, media_ids: [], first_comment: null, scheduled_at: at, timezone: "UTC",
    recurrence: null, created_by: null, created_at: "", updated_at: "",
    targets: [{ account_id: "a_x", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
  };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const first = post("p_1", "2030-01-07T09:00:00Z");
const second = post("p_2", "2030-01-08T09:00:00Z");

function serve(patch: (id: string, body: Record<string, unknown>) => Response) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(String(input), "http://app.test");
    if (init?.method === "PATCH") return patch(url.pathname.split("/").pop()!, JSON.parse(String(init.body)));
    if (url.pathname.endsWith("/accounts")) {
      return json({ items: [{ id: "a_x", network: "x", display_name: "Demo", status: "connected", timezone: "UTC", slots: [{ weekday: 0, time: "09:00" }] }] });
    }
    if (url.pathname.endsWith("/next-slots")) return json({ account_id: "a_x", timezone: "UTC", items: [{ at: "2030-01-14T09:00:00Z", local: "2030-01-14T09:00" }] });
    return json({ items: [first, second], next_cursor: null });
  });
}

function renderQueue() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <QueuePage />
        <Toasts />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("QueuePage", () => {
  it("lists queued posts and free slots in time order, and links to add to the queue", async () => {
    serve(() => json({}));
    renderQueue();
    const queue = await screen.findByRole("list", { name: "Queue of Demo" });
    await within(queue).findByText("Free slot");
    const items = within(queue).getAllByRole("listitem").map((li) => li.textContent ?? "");
    expect(items[0]).toContain("Queued p_1");
    expect(items[1]).toContain("Queued p_2");
    expect(items[2]).toContain("Free slot");
    expect(screen.getByRole("link", { name: "Add to Demo's queue" }).getAttribute("href")).toBe("/compose?mode=queue&account=a_x");
  });

  it("swaps two posts' times with their versions", async () => {
    const fetchMock = serve((id) => json({ ...(id === "p_1" ? first : second), version: 5 }));
    renderQueue();
    fireEvent.click(await screen.findByRole("button", { name: "Move “Queued p_2” earlier" }));
    await waitFor(() => expect(fetchMock.mock.calls.filter(([, init]) => init?.method === "PATCH")).toHaveLength(2));
    const patches = fetchMock.mock.calls.filter(([, init]) => init?.method === "PATCH").map(([url, init]) => [String(url).split("/").pop(), JSON.parse(String(init!.body))]);
    expect(patches[0]).toEqual(["p_2", { version: 4, when: { at: "2030-01-07T09:00:00", timezone: "UTC" } }]);
    expect(patches[1]).toEqual(["p_1", { version: 4, when: { at: "2030-01-08T09:00:00", timezone: "UTC" } }]);
  });

  it("puts the first post back and explains when the second was changed meanwhile (409)", async () => {
    const fetchMock = serve((id) =>
      id === "p_1"
        ? json({ error: { code: "conflict", message: "The post changed since version 4.", details: [] } }, 409)
        : json({ ...second, version: 5 }),
    );
    renderQueue();
    fireEvent.click(await screen.findByRole("button", { name: "Move “Queued p_2” earlier" }));
    const toasts = screen.getByRole("region", { name: "Messages" });
    expect(await within(toasts).findByText(/Someone changed one of these posts meanwhile/)).toBeTruthy();
    const patches = fetchMock.mock.calls.filter(([, init]) => init?.method === "PATCH").map(([url, init]) => [String(url).split("/").pop(), JSON.parse(String(init!.body))]);
    expect(patches.at(-1)).toEqual(["p_2", { version: 5, when: { at: "2030-01-08T09:00:00", timezone: "UTC" } }]);
  });
});
