import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Toasts";
import { createQueryClient } from "../queryClient";
import type { Post } from "./api";
import { moved, QueuePage } from "./QueuePage";

const role = vi.hoisted(() => ({ current: "editor" }));
vi.mock("../auth/session", () => ({
  useMe: () => ({ isPending: false, isError: false }),
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: role.current, timezone: "America/New_York" }, workspaces: [], choose: () => {} }),
}));
// The browser is in Paris, whatever the machine running the tests says.
vi.mock("./dates", async (original) => ({ ...(await original<typeof import("./dates")>()), browserZone: () => "Europe/Paris" }));

function post(id: string, at: string): Post {
  return {
    id, version: 4, status: "scheduled", text: `Queued ${id}`, media_ids: [], first_comment: null, scheduled_at: at, timezone: "America/New_York",
    recurrence: null, created_by: null, created_at: "", updated_at: "",
    targets: [{ account_id: "a_x", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
  };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

// 09:00 and 12:30 in New York (EST) on Monday 7 January 2030.
const first = post("p_1", "2030-01-07T14:00:00Z");
const second = post("p_2", "2030-01-07T17:30:00Z");
const account = {
  id: "a_x", network: "x", display_name: "Demo", handle: "demo", avatar_url: null, status: "connected", timezone: "America/New_York",
  slots: [{ weekday: 0, time: "09:00" }, { weekday: 0, time: "12:30" }],
};

type Handler = (path: string, body: Record<string, unknown>) => Response;

function serve(write: Handler = () => json({}), listed: typeof account = account) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(String(input), "http://app.test");
    if (init?.method === "PATCH" || init?.method === "POST") return write(url.pathname, JSON.parse(String(init.body)));
    if (url.pathname.endsWith("/accounts")) return json({ items: [listed] });
    if (url.pathname.endsWith("/next-slots")) return json({ account_id: "a_x", timezone: "America/New_York", items: [{ at: "2030-01-08T14:00:00Z", local: "2030-01-08T09:00" }] });
    return json({ items: [first, second], next_cursor: null });
  });
}

function writes(fetchMock: ReturnType<typeof serve>) {
  return fetchMock.mock.calls
    .filter(([, init]) => init?.method === "PATCH" || init?.method === "POST")
    .map(([url, init]) => [init!.method, String(url).replace("/v1/workspaces/w_1", ""), JSON.parse(String(init!.body))]);
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
  role.current = "editor";
});

describe("moved", () => {
  it("moves one item and shifts the ones between", () => {
    expect(moved(["a", "b", "c", "d"], 3, 1)).toEqual(["a", "d", "b", "c"]);
    expect(moved(["a", "b", "c", "d"], 0, 2)).toEqual(["b", "c", "a", "d"]);
  });
});

describe("QueuePage", () => {
  it("lists queued posts and free slots by day in the account's zone, labelled", async () => {
    serve();
    renderQueue();
    const queue = await screen.findByRole("list", { name: "Queue of Demo" }, { timeout: 5000 });
    await within(queue).findByText("Free slot");
    const items = within(queue).getAllByRole("listitem").map((li) => li.textContent ?? "");
    expect(items[0]).toMatch(/9:00\sAM EST.*Queued p_1/);
    expect(items[1]).toMatch(/12:30\sPM EST.*Queued p_2/);
    expect(items[2]).toMatch(/9:00\sAM EST.*Free slot/);
    expect(items[0]).toMatch(/Monday.*7/); // the day, in New York
    expect(items[2]).toMatch(/Tuesday.*8/);
    expect(screen.getByText(/times in America\/New York \(EST\)/)).toBeTruthy();
    expect(screen.getByRole("link", { name: "Add to queue of Demo" }).getAttribute("href")).toBe("/compose?mode=queue&account=a_x");
    // An editor sees the posting times but cannot change them.
    const monday = screen.getByRole("list", { name: "Posting times on Monday" });
    const chips = within(monday).getAllByRole("listitem").map((li) => li.textContent ?? "");
    expect(chips).toHaveLength(2);
    expect(chips[0]).toMatch(/^9:00\sAM$/);
    expect(chips[1]).toMatch(/^12:30\sPM$/);
    expect(screen.queryByRole("button", { name: /Add a time on/ })).toBeNull();
  });

  it("moves a post earlier with its button: the queue's reorder with the versions read", async () => {
    const fetchMock = serve(() => json({ account_id: "a_x", items: [] }));
    renderQueue();
    fireEvent.click(await screen.findByRole("button", { name: "Move “Queued p_2” earlier" }));
    // The new order shows at once.
    const queue = screen.getByRole("list", { name: "Queue of Demo" });
    expect(within(queue).getAllByRole("listitem")[0].textContent).toMatch(/9:00\sAM EST.*Queued p_2/);
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(1));
    expect(writes(fetchMock)[0]).toEqual([
      "POST",
      "/queue/reorder",
      { account_id: "a_x", posts: [{ id: "p_2", version: 4 }, { id: "p_1", version: 4 }] },
    ]);
  });

  it("reorders by drag and drop", async () => {
    const fetchMock = serve(() => json({ account_id: "a_x", items: [] }));
    renderQueue();
    await screen.findByRole("button", { name: "Move “Queued p_1” later" });
    const [firstRow, secondRow] = document.querySelectorAll("li[data-post-id]");
    const dataTransfer = { data: {} as Record<string, string>, setData(k: string, v: string) { this.data[k] = v; }, getData(k: string) { return this.data[k]; }, effectAllowed: "", dropEffect: "" };
    fireEvent.dragStart(firstRow, { dataTransfer });
    fireEvent.dragOver(secondRow, { dataTransfer });
    expect(secondRow.className).toContain("drop-target");
    fireEvent.drop(secondRow, { dataTransfer });
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(1));
    expect(writes(fetchMock)[0][2]).toEqual({ account_id: "a_x", posts: [{ id: "p_2", version: 4 }, { id: "p_1", version: 4 }] });
  });

  it("explains a conflict and shows the order as it was (409)", async () => {
    serve(() => json({ error: { code: "conflict", message: "changed", details: [{ field: "posts[0].version", message: "version 5 is current" }] } }, 409));
    renderQueue();
    fireEvent.click(await screen.findByRole("button", { name: "Move “Queued p_2” earlier" }));
    const toasts = screen.getByRole("region", { name: "Messages" });
    expect(await within(toasts).findByText(/Someone changed one of these posts meanwhile/)).toBeTruthy();
    const queue = screen.getByRole("list", { name: "Queue of Demo" });
    await waitFor(() => expect(within(queue).getAllByRole("listitem")[0].textContent).toContain("Queued p_1"));
  });

  it("lets an admin add and remove posting times, saved on the account", async () => {
    role.current = "admin";
    const fetchMock = serve((_path, body) => json({ ...account, slots: body.slots }));
    renderQueue();
    fireEvent.click(await screen.findByRole("button", { name: "Add a time on Wednesday" }));
    const input = screen.getByLabelText("New time on Wednesday");
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: "17:45" } });
    fireEvent.click(screen.getByRole("button", { name: "Add" }));
    const wednesday = screen.getByRole("list", { name: "Posting times on Wednesday" });
    expect(within(wednesday).getByText(/5:45\sPM/)).toBeTruthy();
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(1));
    expect(writes(fetchMock)[0]).toEqual([
      "PATCH",
      "/accounts/a_x",
      { slots: [{ weekday: 0, time: "09:00" }, { weekday: 0, time: "12:30" }, { weekday: 2, time: "17:45" }] },
    ]);
    expect(await screen.findByText("Posting times saved.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: /Remove Monday 12:30\sPM/ }));
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(2));
    expect(writes(fetchMock)[1][2]).toEqual({ slots: [{ weekday: 0, time: "09:00" }, { weekday: 2, time: "17:45" }] });
  });

  it("offers an account in another zone than the workspace's the workspace's zone", async () => {
    role.current = "admin";
    const inUtc = { ...account, timezone: "UTC" };
    const fetchMock = serve((_path, body) => json({ ...inUtc, ...body }), inUtc);
    renderQueue();
    expect(await screen.findByText(/The workspace is in America\/New York/, undefined, { timeout: 5000 })).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Use America/New York" }));
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(1));
    expect(writes(fetchMock)[0]).toEqual(["PATCH", "/accounts/a_x", { timezone: "America/New_York" }]);
    // Or any zone, with the picker.
    fireEvent.click(screen.getByRole("button", { name: "Change time zone" }));
    const picker = screen.getByRole("combobox", { name: "Account's time zone" });
    fireEvent.change(picker, { target: { value: "Europe/Paris" } });
    fireEvent.click(screen.getByRole("button", { name: "Save time zone" }));
    await waitFor(() => expect(writes(fetchMock)).toHaveLength(2));
    expect(writes(fetchMock)[1][2]).toEqual({ timezone: "Europe/Paris" });
  });
});
