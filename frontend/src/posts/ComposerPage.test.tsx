import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import type { Network, Post } from "./api";
import { ComposerForm } from "./ComposerPage";
import type { SendingLinks } from "./linksAsSent";

const NETWORKS: Network[] = [
  { id: "x", name: "X", capabilities: ["text"], limits: { text: { max_length: 280, counting: "weighted", url_length: 23 }, max_media: 4, first_comment_max: 280 } },
  { id: "linkedin", name: "LinkedIn", capabilities: ["text"], limits: { text: { max_length: 3000, counting: "code_points" }, max_media: 20, first_comment_max: 1250 } },
];

function account(id: string, network: string, name: string): Account {
  return {
    id, network, display_name: name, handle: null, avatar_url: null, kind: "profile", status: "connected",
    token_expires_at: null, slots: [], timezone: "UTC", last_error: null, scheduled_posts: 0,
  };
}

const ACCOUNTS = [account("a_x", "x", "Shop"), account("a_li", "linkedin", "Shop Inc")];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderComposer(answer: () => Response, post?: Post, links: SendingLinks | null = null) {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) =>
    init?.method === "POST" ? answer() : json({ items: [], next_cursor: null }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ComposerForm base="/v1/workspaces/w_1" workspaceId="w_1" networks={NETWORKS} accounts={ACCOUNTS} defaultZone="Europe/Paris" post={post} links={links} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("ComposerForm", () => {
  it("counts each selected network's way and marks the one over its limit", () => {
    renderComposer(() => json({}));
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "日".repeat(141) } });
    expect(screen.getByLabelText("X: 282 of 280").className).toContain("over");
    expect(screen.getByLabelText("LinkedIn: 141 of 3000").className).not.toContain("over");
  });

  it("sends the variant and shows each server problem at its field", async () => {
    const fetchMock = renderComposer(() =>
      json(
        {
          error: {
            code: "validation_error",
            message: "The post has 2 problems",
            details: [
              { field: "targets[1].text", message: "LinkedIn allows 3000 characters; this text has 3001", target: "a_li" },
              { field: "when.at", message: "this time is in the past", target: null },
            ],
          },
        },
        422,
      ),
    );
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Hello" } });
    fireEvent.click(screen.getByRole("tab", { name: "LinkedIn" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Own text for LinkedIn" }));
    fireEvent.change(screen.getByRole("textbox", { name: "Text for LinkedIn" }), { target: { value: "Hello, at length" } });
    fireEvent.click(screen.getByLabelText("Schedule at a time"));
    fireEvent.change(screen.getByLabelText("Date and time"), { target: { value: "2020-01-01T09:00" } });
    fireEvent.click(screen.getByRole("button", { name: "Schedule" }));

    await screen.findByText("this time is in the past");
    expect(screen.getByText("LinkedIn allows 3000 characters; this text has 3001")).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
    expect(JSON.parse(String(post?.[1]?.body))).toEqual({
      text: "Hello",
      media_ids: [],
      targets: [{ account_id: "a_x" }, { account_id: "a_li", text: "Hello, at length" }],
      first_comment: null,
      when: { at: "2020-01-01T09:00", timezone: "Europe/Paris" },
    });
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("not saved"));
  });

  it("keeps Schedule disabled while a text is too long, saying why beside it", () => {
    renderComposer(() => json({}));
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.click(screen.getByLabelText("Schedule at a time"));
    fireEvent.change(screen.getByLabelText("Date and time"), { target: { value: "2030-01-01T09:00" } });
    const button = screen.getByRole("button", { name: "Schedule" }) as HTMLButtonElement;
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "a".repeat(292) } });
    expect(button.disabled).toBe(true);
    expect(screen.getByText("Too long for X by 12 characters")).toBeTruthy();
    expect(button.getAttribute("aria-describedby")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Short" } });
    expect(button.disabled).toBe(false);
    expect(screen.queryByText(/Too long/)).toBeNull();
  });

  it("counts links as they go out, tagged and shortened, and blocks a text that fits only as written", () => {
    const tagging: SendingLinks = { enabled: true, medium: "social", campaign: null, shorten: false, shortBase: "https://s.example/l" };
    renderComposer(() => json({}), undefined, tagging);
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    fireEvent.click(screen.getByLabelText("Schedule at a time"));
    fireEvent.change(screen.getByLabelText("Date and time"), { target: { value: "2030-01-01T09:00" } });
    const link = "https://shop.example.com/sale"; // 29 characters; tagged for LinkedIn, 38 more
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: `${"a".repeat(2970)} ${link}` } });
    expect(screen.getByLabelText("LinkedIn: 3038 of 3000").className).toContain("over");
    expect(screen.getByText("Too long for LinkedIn by 38 characters")).toBeTruthy();
    expect(screen.getByText("Counted with links as they go out: tagged for each network (UTM).")).toBeTruthy();
    expect((screen.getByRole("button", { name: "Schedule" }) as HTMLButtonElement).disabled).toBe(true);
    // The variant tab counts the same way.
    fireEvent.click(screen.getByRole("tab", { name: "LinkedIn" }));
    expect(screen.getByLabelText("LinkedIn: 3038 of 3000")).toBeTruthy();
  });

  it("counts a shortened link at the short link's length", () => {
    const shortening: SendingLinks = { enabled: true, medium: "social", campaign: null, shorten: true, shortBase: "https://s.example/l" };
    renderComposer(() => json({}), undefined, shortening);
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: `${"a".repeat(2971)} https://shop.example.com/a/long/path` } });
    // https://s.example/l/ and an 8-character code: 28.
    expect(screen.getByLabelText("LinkedIn: 3000 of 3000").className).not.toContain("over");
    expect(screen.getByText("Counted with links as they go out: tagged for each network (UTM) and shortened.")).toBeTruthy();
  });

  it("moves between the text tabs with the arrow keys, Home and End (one tab stop)", () => {
    renderComposer(() => json({}));
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    const all = screen.getByRole("tab", { name: "All accounts" });
    expect(all.getAttribute("tabindex")).toBe("0");
    expect(screen.getByRole("tab", { name: "X" }).getAttribute("tabindex")).toBe("-1");
    fireEvent.keyDown(all, { key: "ArrowRight" });
    const x = screen.getByRole("tab", { name: "X" });
    expect(x.getAttribute("aria-selected")).toBe("true");
    expect(document.activeElement).toBe(x);
    expect(screen.getByRole("tabpanel").getAttribute("aria-labelledby")).toBe(x.id);
    fireEvent.keyDown(x, { key: "End" });
    expect(screen.getByRole("tab", { name: "LinkedIn" }).getAttribute("aria-selected")).toBe("true");
    fireEvent.keyDown(document.activeElement!, { key: "ArrowRight" });
    expect(document.activeElement).toBe(screen.getByRole("tab", { name: "All accounts" }));
    fireEvent.keyDown(document.activeElement!, { key: "ArrowLeft" });
    expect(screen.getByRole("tab", { name: "LinkedIn" }).getAttribute("tabindex")).toBe("0");
    fireEvent.keyDown(document.activeElement!, { key: "Home" });
    expect(screen.getByLabelText("Text")).toBeTruthy();
  });

  it("sends the repeat picker's rule and confirms with the time in the post's zone", async () => {
    const saved = {
      id: "p_1", version: 1, status: "scheduled", text: "Weekly", media_ids: [], first_comment: null,
      scheduled_at: "2030-01-07T08:00:00Z", timezone: "Europe/Paris", recurrence: "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12",
      created_by: null, created_at: "", updated_at: "", targets: [],
    };
    const fetchMock = renderComposer(() => json(saved, 201));
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Weekly" } });
    fireEvent.click(screen.getByLabelText("Schedule at a time"));
    fireEvent.change(screen.getByLabelText("Date and time"), { target: { value: "2030-01-07T09:00" } });
    fireEvent.change(screen.getByLabelText("Repeats"), { target: { value: "weekly" } });
    fireEvent.click(screen.getByRole("checkbox", { name: "Thursday" }));
    fireEvent.click(screen.getByRole("radio", { name: "Ends after" }));
    fireEvent.change(screen.getByLabelText("Number of times"), { target: { value: "12" } });
    const toasts = await import("../components/Toasts");
    const shown = vi.spyOn(toasts, "showToast");
    fireEvent.click(screen.getByRole("button", { name: "Schedule" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "POST")).toBe(true));
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST");
    expect(JSON.parse(String(post?.[1]?.body)).recurrence).toBe("FREQ=WEEKLY;BYDAY=MO,TH;COUNT=12");
    await waitFor(() => expect(shown).toHaveBeenCalled());
    expect(shown.mock.calls[0][0]).toMatch(/^Scheduled for Mon 7 Jan 2030, 9:00 \(Paris\); every week on Monday and Thursday, 12 times$/);
    expect(shown.mock.calls[0][1]).toEqual({ to: "/posts/p_1", label: "View the post" });
  });

  it("reads a post's repeat back when editing, and sends null once it no longer repeats", async () => {
    const post: Post = {
      id: "p_9", version: 3, status: "scheduled", text: "Bread", media_ids: [], first_comment: null,
      scheduled_at: "2030-01-07T08:00:00Z", timezone: "Europe/Paris", recurrence: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;UNTIL=20300630T235959",
      created_by: null, created_at: "", updated_at: "",
      targets: [{ account_id: "a_x", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
    };
    const fetchMock = renderComposer(() => json({}), post);
    expect((screen.getByLabelText("Date and time") as HTMLInputElement).value).toBe("2030-01-07T09:00");
    expect((screen.getByLabelText("Repeats") as HTMLSelectElement).value).toBe("weekly");
    expect((screen.getByLabelText("every") as HTMLInputElement).value).toBe("2");
    expect((screen.getByRole("checkbox", { name: "Monday" }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText("Last day") as HTMLInputElement).value).toBe("2030-06-30");
    fireEvent.change(screen.getByLabelText("Repeats"), { target: { value: "never" } });
    fireEvent.click(screen.getByRole("button", { name: "Schedule" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "PATCH")).toBe(true));
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH");
    expect(JSON.parse(String(patch?.[1]?.body))).toMatchObject({ version: 3, recurrence: null, when: { at: "2030-01-07T09:00", timezone: "Europe/Paris" } });
  });

  it("says which content plan wrote a post and keeps each target's options when saving", async () => {
    const post: Post = {
      id: "p_7", version: 2, status: "draft", text: "Fresh bread", media_ids: [], first_comment: null,
      scheduled_at: null, timezone: "Europe/Paris", recurrence: null, created_by: null, created_at: "", updated_at: "",
      targets: [
        { account_id: "a_x", network: "x", text: null, options: { first_comment: "What is your loaf?" }, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null },
      ],
      origin: { plan_id: "plan_1", item_id: "pi_1", month: "2030-01" },
    };
    const fetchMock = renderComposer(() => json({}), post);
    const link = screen.getByRole("link", { name: /January 2030 content plan/ });
    expect(link.getAttribute("href")).toBe("/plans?month=2030-01");
    fireEvent.click(screen.getByRole("button", { name: "Save draft" }));
    await waitFor(() => expect(fetchMock.mock.calls.some(([, init]) => init?.method === "PATCH")).toBe(true));
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH");
    expect(JSON.parse(String(patch?.[1]?.body)).targets).toEqual([
      { account_id: "a_x", options: { first_comment: "What is your loaf?" } },
    ]);
  });

  it("says nothing of a plan for a post written by hand", () => {
    renderComposer(() => json({}));
    expect(screen.queryByText(/content plan/)).toBeNull();
  });
});
