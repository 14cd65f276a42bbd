import { QueryClientProvider } from "@tanstack/react-query";
import { act, cleanup, configure, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../queryClient";
import type { Post } from "./api";
import { CalendarPage } from "./CalendarPage";
import { wallParts } from "./dates";

// The machine may be busy (2 cores shared): the first render can take more than a second.
configure({ asyncUtilTimeout: 5000 });

const workspace = { id: "w_1", name: "Acme", role: "editor", timezone: "UTC" };
vi.mock("../auth/session", () => ({
  useWorkspace: () => ({ workspace, workspaces: [], choose: () => {} }),
  useMe: () => ({ data: { user: { id: "u_me", email: "me@example.com", name: "Me", created_at: "" }, workspaces: [] } }),
}));

function target(network: string) {
  return {
    account_id: `a_${network}`, network, text: null, options: {}, status: "pending" as const, attempts: 0,
    external_id: null, url: null, error: null, published_at: null,
  };
}

function post(id: string, text: string, scheduled_at: string | null, network = "x", extra: Partial<Post> = {}): Post {
  return {
    id, version: 2, status: scheduled_at ? "scheduled" : "draft", text, media_ids: [], first_comment: null,
    scheduled_at, timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "2030-01-01T00:00:00Z",
    targets: [target(network)], ...extra,
  };
}

const launch = post("p_1", "Launch day", new Date(2030, 0, 15, 9, 30).toISOString());

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

type Patch = { version: number; when: { at: string; timezone: string } };

interface Api {
  posts: Post[];
  drafts?: Post[];
  /** The server's answer to a PATCH: the post as saved (it then lists it so), or an error. */
  patch?: (body: Patch, url: string) => Promise<Response | Post> | Response | Post;
}

/** The API as the calendar reads it: networks, accounts, drafts, the range's posts, PATCH. */
function serve(answers: Api) {
  const patches: { url: string; body: Patch }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    if (init?.method === "PATCH") {
      const body = JSON.parse(String(init.body));
      patches.push({ url, body });
      const answer = answers.patch ? await answers.patch(body, url) : { ...answers.posts[0], version: body.version + 1 };
      if (answer instanceof Response) return answer;
      answers.drafts = (answers.drafts ?? []).filter((p) => p.id !== answer.id);
      answers.posts = [...answers.posts.filter((p) => p.id !== answer.id), answer];
      return json(answer);
    }
    if (url.includes("/v1/networks")) return json({ items: [{ id: "x", name: "X", capabilities: [], limits: {} }] });
    if (url.includes("/accounts")) return json({ items: [] });
    if (url.includes("status=draft")) return json({ items: answers.drafts ?? [], next_cursor: null });
    return json({ items: answers.posts, next_cursor: null });
  });
  return patches;
}

function show(path: string) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <CalendarPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  workspace.timezone = "UTC";
});

function drag(item: HTMLElement, cell: Element) {
  const data: Record<string, string> = {};
  const dataTransfer = { setData: (k: string, v: string) => (data[k] = v), getData: (k: string) => data[k] };
  fireEvent.dragStart(item, { dataTransfer });
  fireEvent.dragEnter(cell, { dataTransfer });
  fireEvent.dragOver(cell, { dataTransfer });
  fireEvent.drop(cell, { dataTransfer });
}

const dayOf = (element: Element) => element.closest("[data-day]")!.getAttribute("data-day");

describe("CalendarPage drag and drop", () => {
  it("moves the chip at once and puts it back when the server answers 409", async () => {
    let answer!: (response: Response) => void;
    const patches = serve({ posts: [launch], patch: () => new Promise<Response>((resolve) => (answer = resolve)) });
    show("/calendar?date=2030-01-01");
    const chip = await screen.findByRole("button", { name: /Launch day/ });
    expect(dayOf(chip)).toBe("2030-01-15");
    drag(chip, document.querySelector('[data-day="2030-01-16"]')!);

    // Optimistic: the chip is on the 16th before the server answers, at the same time.
    await waitFor(() => expect(dayOf(screen.getByRole("button", { name: /Launch day/ }))).toBe("2030-01-16"));
    expect(patches[0].body).toEqual({ version: 2, when: { at: "2030-01-16T09:30:00", timezone: "UTC" } });
    answer(json({ error: { code: "conflict", message: "Changed meanwhile.", details: [] } }, 409));
    expect(await screen.findByText(/Someone changed this post since the calendar loaded/)).toBeTruthy();
    await waitFor(() => expect(dayOf(screen.getByRole("button", { name: /Launch day/ }))).toBe("2030-01-15"));
  });

  it("places a post at its hour in the workspace's zone and says which zone that is", async () => {
    workspace.timezone = "America/New_York";
    // 14:30 UTC is 09:30 in New York; the post's own zone (Paris) does not place it.
    serve({ posts: [post("p_1", "Launch day", "2030-01-15T14:30:00Z", "x", { timezone: "Europe/Paris" })] });
    show("/calendar?view=week&date=2030-01-15");
    const grid = await screen.findByRole("grid", { name: /Jan/ });
    const chip = await within(grid).findByRole("button", { name: /Launch day/ });
    const slot = chip.closest("[data-hour]")!;
    expect([slot.getAttribute("data-day"), slot.getAttribute("data-hour")]).toEqual(["2030-01-15", "9"]);
    expect(slot.getAttribute("role")).toBe("gridcell");
    // Seven days of 24 hours, with an hour column.
    expect(within(grid).getAllByRole("gridcell")).toHaveLength(7 * 24);
    expect(within(grid).getAllByRole("rowheader")).toHaveLength(24);
    expect(screen.getByText("America/New_York")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Week" }).getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByRole("button", { name: "Month" }).getAttribute("aria-pressed")).toBe("false");
    // The chip reads: time, network, first words.
    expect(within(grid).getByRole("button", { name: /9:30.*\bX\b.*Launch day/ })).toBe(chip);
  });

  it("highlights today in the week and the month", async () => {
    serve({ posts: [] });
    const today = wallParts(new Date(), "UTC").day;
    show("/calendar?view=week");
    const head = await screen.findByRole("columnheader", { current: "date" });
    expect(head.textContent).toContain(String(Number(today.slice(8))));
    expect(document.querySelectorAll(`.cal-slot.today[data-day="${today}"]`)).toHaveLength(24);
    cleanup();
    show("/calendar");
    const cell = await screen.findByRole("gridcell", { current: "date" });
    expect(cell.getAttribute("data-day")).toBe(today);
  });

  it("drags a post to another day and hour in the week view, keeping its own zone", async () => {
    workspace.timezone = "America/New_York";
    const paris = post("p_1", "Launch day", "2030-01-15T14:30:00Z", "x", { timezone: "Europe/Paris" });
    const patches = serve({ posts: [paris] });
    show("/calendar?view=week&date=2030-01-15");
    const chip = await screen.findByRole("button", { name: /Launch day/ });
    drag(chip, document.querySelector('[data-day="2030-01-17"][data-hour="11"]')!);
    await waitFor(() => expect(patches).toHaveLength(1));
    // 11:30 in New York (the minutes kept) is 17:30 in Paris.
    expect(patches[0].body).toEqual({ version: 2, when: { at: "2030-01-17T17:30:00", timezone: "Europe/Paris" } });
    expect(await screen.findByText(/Moved to/)).toBeTruthy();
  });

  it("schedules a draft dragged from the drafts column onto an hour", async () => {
    const idea = post("p_2", "An idea for spring", null, "linkedin");
    const patches = serve({
      posts: [],
      drafts: [idea],
      patch: () => ({ ...idea, status: "scheduled", scheduled_at: "2030-01-16T14:00:00Z", version: 3 }),
    });
    show("/calendar?view=day&date=2030-01-16");
    const drafts = await screen.findByRole("list", { name: "Drafts" });
    const card = await within(drafts).findByText("An idea for spring");
    expect(screen.getAllByRole("gridcell")).toHaveLength(24); // one day of hours
    drag(card.closest("li")!, document.querySelector('[data-day="2030-01-16"][data-hour="14"]')!);
    // At once: it leaves the column and sits at 14:00.
    await waitFor(() => expect(screen.queryByRole("list", { name: "Drafts" })).toBeNull());
    const chip = screen.getByRole("button", { name: /An idea for spring/ });
    expect(chip.closest("[data-hour]")!.getAttribute("data-hour")).toBe("14");
    expect(patches[0].body).toEqual({ version: 2, when: { at: "2030-01-16T14:00:00", timezone: "UTC" } });
    expect(await screen.findByText(/Scheduled for/)).toBeTruthy();
  });

  it("puts a draft back in its column when the server refuses the time, saying why", async () => {
    const idea = post("p_2", "An idea for spring", null, "linkedin");
    serve({
      posts: [],
      drafts: [idea],
      patch: () =>
        json({ error: { code: "invalid", message: "Invalid.", details: [{ field: "when.at", message: "is in the past" }] } }, 422),
    });
    show("/calendar?view=day&date=2030-01-16");
    const card = await within(await screen.findByRole("list", { name: "Drafts" })).findByText("An idea for spring");
    drag(card.closest("li")!, document.querySelector('[data-day="2030-01-16"][data-hour="8"]')!);
    expect(await screen.findByText(/The post was not scheduled: is in the past/)).toBeTruthy();
    const drafts = await screen.findByRole("list", { name: "Drafts" });
    expect(within(drafts).getByText("An idea for spring")).toBeTruthy();
    expect(document.querySelector(".post-chip")).toBeNull(); // not on the grid
  });

  it("moves a post from the keyboard: M opens a date and time, Move sends it", async () => {
    const patches = serve({ posts: [launch] });
    show("/calendar?date=2030-01-01");
    const chip = await screen.findByRole("button", { name: /Launch day/ });
    expect(chip.getAttribute("aria-describedby")).toBe("calendar-move-hint");
    chip.focus();
    fireEvent.keyDown(chip, { key: "m" });
    const dialog = await screen.findByRole("dialog", { name: "Move post" });
    const date = within(dialog).getByLabelText("Date") as HTMLInputElement;
    expect(date.value).toBe("2030-01-15");
    expect(document.activeElement).toBe(date);
    fireEvent.change(date, { target: { value: "2030-01-20" } });
    fireEvent.change(within(dialog).getByLabelText(/Time/), { target: { value: "18:15" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Move" }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0].body.when).toEqual({ at: "2030-01-20T18:15:00", timezone: "UTC" });
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  it("keeps the focus in the move dialog; Escape closes it and gives the focus back", async () => {
    const patches = serve({ posts: [launch] });
    show("/calendar?date=2030-01-01");
    const chip = await screen.findByRole("button", { name: /Launch day/ });
    chip.focus();
    fireEvent.keyDown(chip, { key: "M" });
    const dialog = await screen.findByRole("dialog");
    // Tab goes round the dialog: from Cancel back to the date, and Shift+Tab the other way.
    const cancel = within(dialog).getByRole("button", { name: "Cancel" });
    cancel.focus();
    fireEvent.keyDown(cancel, { key: "Tab" });
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Date"));
    fireEvent.keyDown(document.activeElement!, { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(within(dialog).getByLabelText("Date"), { key: "Escape" });
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(chip);
    expect(patches).toHaveLength(0);
  });
});

describe("CalendarPage legend and filters", () => {
  it("lists the networks with their counts and hides a network's chips when toggled off", async () => {
    serve({
      posts: [
        launch,
        post("p_3", "Hiring a baker", new Date(2030, 0, 16, 12, 0).toISOString(), "linkedin"),
      ],
    });
    show("/calendar?date=2030-01-01");
    await screen.findByRole("button", { name: /Hiring a baker/ });
    const legend = screen.getByRole("group", { name: "Networks shown" });
    const x = within(legend).getByRole("button", { name: /^X/ });
    expect(x.getAttribute("aria-pressed")).toBe("true");
    expect(within(legend).getByRole("button", { name: /LinkedIn/ })).toBeTruthy();
    act(() => x.click());
    await waitFor(() => expect(screen.queryByRole("button", { name: /Launch day/ })).toBeNull());
    expect(screen.getByRole("button", { name: /Hiring a baker/ })).toBeTruthy();
    expect(within(legend).getByRole("button", { name: /^X/ }).getAttribute("aria-pressed")).toBe("false");
  });

  it("shows a post's status on its chip", async () => {
    serve({ posts: [post("p_4", "Sent already", new Date(2030, 0, 10, 8, 0).toISOString(), "x", { status: "published" })] });
    show("/calendar?date=2030-01-01");
    const chip = await screen.findByRole("button", { name: /Sent already/ });
    expect(within(chip).getByText("Published")).toBeTruthy();
    // Its network's mark: NetworkIcon's drawing, made an image on the calendar once.
    expect(within(chip).getByRole("img", { name: "X" }).querySelector(".chip-mark")).toBeTruthy();
    const calendar = document.querySelector<HTMLElement>("section.calendar")!;
    expect(calendar.style.getPropertyValue("--mark-x")).toMatch(/^url\("data:image\/svg\+xml,%3Csvg/);
    expect(chip.getAttribute("draggable")).toBe("false");
  });
});

describe("CalendarPage approvals", () => {
  const waiting = post("p_7", "Spring sale", new Date(2030, 0, 12, 10, 0).toISOString(), "x", {
    status: "pending_approval",
    approval: {
      steps: [{ name: "Editorial", roles: ["editor"], user_ids: [], rule: "any", allow_client: false }],
      required: [[]], step: 0, approvals: [], authors: ["u_author"], allow_self_approval: false,
      submitted_by: "u_author", submitted_at: null, approved_at: null, publish_now: false, last: null, round: 1,
    },
  });

  function serveReview(answer: Post) {
    const decisions: { url: string; body: unknown }[] = [];
    let posts = [waiting];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input);
      if (init?.method === "POST") {
        decisions.push({ url, body: JSON.parse(String(init.body)) });
        posts = [answer];
        return json(answer);
      }
      if (url.includes("/v1/networks")) return json({ items: [{ id: "x", name: "X", capabilities: [], limits: {} }] });
      if (url.endsWith("/members")) return json({ items: [], next_cursor: null });
      if (url.endsWith("/approval-policy")) {
        return json({ policy: { mode: "steps", required_below: null, steps: waiting.approval!.steps, allow_self_approval: false, reapprove_on_reschedule: false }, updated_by: null, updated_at: null });
      }
      if (url.includes("/accounts") || url.includes("status=draft")) return json({ items: [], next_cursor: null });
      return json({ items: posts, next_cursor: null });
    });
    return decisions;
  }

  it("lets an approver decide on a post waiting for them without leaving the calendar", async () => {
    const scheduled = { ...waiting, status: "scheduled" as const, version: 3 };
    const decisions = serveReview(scheduled);
    show("/calendar?date=2030-01-01");
    const chip = await screen.findByRole("button", { name: /Spring sale/ });
    expect(within(chip).getByText("Needs approval")).toBeTruthy();
    fireEvent.click(chip);
    const dialog = screen.getByRole("dialog", { name: "Waiting for your approval" });
    expect(within(dialog).getByRole("link", { name: "Open the post" }).getAttribute("href")).toBe("/posts/p_7");
    fireEvent.change(within(dialog).getByLabelText("Comment (sent to the author)"), { target: { value: "Go" } });
    fireEvent.click(within(dialog).getByRole("button", { name: "Approve" }));
    await screen.findByText("“Spring sale” is now scheduled.", { exact: false });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(decisions).toEqual([{ url: "/v1/workspaces/w_1/posts/p_7/approve", body: { version: 2, comment: "Go" } }]);
  });
});
