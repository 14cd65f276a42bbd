import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NotificationBell } from "../components/NotificationBell";
import type { Post, Target } from "../posts/api";
import { PostPage } from "./PostPage";

// The collaboration panel (comments, activity, versions) has tests of its own.
vi.mock("../posts/collaboration/PostCollaboration", () => ({ PostCollaboration: () => null }));
// So do the approval bar and the client review links (src/approvals).
vi.mock("../approvals/DecisionBar", () => ({ DecisionBar: () => null }));
vi.mock("../approvals/ReviewLinks", () => ({ ReviewLinks: () => null }));

const toasts: string[] = [];
vi.mock("../components/Toasts", async (original) => ({
  ...(await original<typeof import("../components/Toasts")>()),
  showToast: (message: string) => toasts.push(message),
}));

vi.mock("../auth/session", () => ({
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: "editor" }, workspaces: [], choose: () => {} }),
}));

function target(network: string, status: Target["status"], error: string | null = null): Target {
  return {
    account_id: `a_${network}`, network, text: null, options: {}, status, attempts: status === "published" ? 1 : 3,
    external_id: status === "published" ? "123" : null, url: status === "published" ? `https://${network}.test/123` : null,
    error, published_at: null,
  };
}

function post(targets: Target[], status: Post["status"] = "partially_published"): Post {
  return {
    id: "p_1", version: 3, status, text: "Launch day", media_ids: [], first_comment: null,
    scheduled_at: "2026-12-01T08:00:00Z", timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "", targets,
  };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderWith(ui: React.ReactNode, path = "/posts/p_1") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/posts/:postId" element={ui} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** A fetch that answers by method and path; each answer may be a list, used in turn. */
function routes(table: Record<string, unknown | unknown[]>) {
  const used: Record<string, number> = {};
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const path = String(input).split("?")[0];
    const key = `${init?.method ?? "GET"} ${path}`;
    const answer = key in table ? table[key] : key.startsWith("GET ") ? table[path] : undefined;
    if (answer === undefined) return json({ error: { code: "not_found", message: `no route ${key}` } }, 404);
    if (!Array.isArray(answer)) return answer === null ? new Response(null, { status: 204 }) : json(answer);
    const index = Math.min(used[key] ?? 0, answer.length - 1);
    used[key] = index + 1;
    return answer[index] === null ? new Response(null, { status: 204 }) : json(answer[index]);
  });
}

const ACCOUNTS = {
  items: [
    { id: "a_x", network: "x", display_name: "Demo Bakery", handle: "demobakery", status: "connected" },
    { id: "a_linkedin", network: "linkedin", display_name: "Demo Bakery Ltd", handle: null, status: "connected" },
  ],
};

function renderPage(path = "/posts/p_1") {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/posts/:postId" element={<PostPage />} />
          <Route path="/posts" element={<h1>All posts page</h1>} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

describe("PostPage", () => {
  it("shows each network's status and retries the failed ones", async () => {
    const failed = post([target("x", "published"), target("linkedin", "failed", "LinkedIn refused the post: too long.")]);
    const retried = post([target("x", "published"), target("linkedin", "pending")], "publishing");
    const fetchMock = routes({
      "/v1/workspaces/w_1/posts/p_1": [failed, retried],
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "POST /v1/workspaces/w_1/posts/p_1/retry": retried,
    });
    renderPage();
    expect(await screen.findByText("LinkedIn refused the post: too long.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "View on X" }).getAttribute("href")).toBe("https://x.test/123");
    fireEvent.click(screen.getByRole("button", { name: "Retry the failed network" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /Retry/ })).toBeNull());
    const retry = fetchMock.mock.calls.find(([path]) => String(path).endsWith("/retry"));
    expect(retry?.[1]?.method).toBe("POST");
    expect(screen.getByText("Waiting")).toBeTruthy();
  });

  it("warns to check the network before retrying an unconfirmed target", async () => {
    routes({ "/v1/workspaces/w_1/posts/p_1": post([target("x", "unconfirmed")], "failed"), "/v1/workspaces/w_1/accounts": ACCOUNTS });
    renderPage();
    expect(await screen.findByText("Unconfirmed: check before retrying")).toBeTruthy();
    expect(screen.getByText(/check them before retrying/)).toBeTruthy();
  });

  it("shows a published post as published: when, on which account, its picture and the live link", async () => {
    const out = {
      ...post([{ ...target("x", "published"), published_at: "2026-12-01T08:00:05Z" }], "published"),
      media_ids: ["m_1"],
    };
    routes({
      "/v1/workspaces/w_1/posts/p_1": out,
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "/v1/workspaces/w_1/media/m_1": { id: "m_1", kind: "image", filename: "loaf.jpg", url: "https://s3.test/m_1.jpg", thumbnail_url: "https://s3.test/m_1-thumb.jpg", alt_text: "A loaf" },
    });
    renderPage();
    expect(await screen.findByText("Demo Bakery")).toBeTruthy();
    expect(screen.getByText("@demobakery")).toBeTruthy();
    expect(screen.getByText("on X")).toBeTruthy();
    expect(screen.getAllByText(/Published at/).length).toBe(2); // the post, and its one target
    expect(screen.queryByText(/Scheduled for/)).toBeNull();
    expect(screen.getByRole("link", { name: "View on X" })).toBeTruthy();
    expect((await screen.findByRole("img", { name: "A loaf" })).getAttribute("src")).toBe("https://s3.test/m_1-thumb.jpg");
    expect(screen.queryByRole("button", { name: "Delete" })).toBeNull(); // out: nothing to delete
    expect(screen.getByRole("button", { name: "Duplicate" })).toBeTruthy();
  });

  it("cancels a scheduled post back to drafts, after asking", async () => {
    const scheduled = post([target("x", "pending")], "scheduled");
    const draft = { ...scheduled, status: "draft", scheduled_at: null, version: 4 };
    const fetchMock = routes({
      "/v1/workspaces/w_1/posts/p_1": scheduled,
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "PATCH /v1/workspaces/w_1/posts/p_1": draft,
    });
    renderPage();
    expect((await screen.findByRole("link", { name: "Edit" })).getAttribute("href")).toBe("/posts/p_1/edit");
    expect(screen.getByText(/Scheduled for/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Cancel schedule" }));
    const dialog = screen.getByRole("alertdialog", { name: "Cancel the schedule?" });
    expect(document.activeElement?.textContent).toBe("Keep it scheduled"); // the safe choice first
    fireEvent.click(within(dialog).getByRole("button", { name: "Move to drafts" }));
    expect(await screen.findByText("Draft")).toBeTruthy();
    const patch = fetchMock.mock.calls.find(([, init]) => init?.method === "PATCH");
    expect(JSON.parse(String(patch?.[1]?.body))).toEqual({ version: 3, when: null });
    expect(toasts).toContain("Schedule cancelled: the post is back in your drafts.");
  });

  it("says so when publishing now waits for approval of the new time", async () => {
    toasts.length = 0;
    const scheduled = post([target("x", "pending")], "scheduled");
    const waiting = { ...scheduled, status: "pending_approval", scheduled_at: null, version: 4 };
    const fetchMock = routes({
      "/v1/workspaces/w_1/posts/p_1": scheduled,
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "POST /v1/workspaces/w_1/posts/p_1/publish-now": waiting,
    });
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Publish now" }));
    const dialog = screen.getByRole("alertdialog", { name: "Publish this post now?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Publish now" }));
    await waitFor(() => expect(toasts).toContain("A new time needs approval here: the post goes out as soon as it is approved."));
    expect(toasts.some((t) => t.startsWith("Publishing now"))).toBe(false);
    expect(fetchMock.mock.calls.some(([path, init]) => String(path).endsWith("/publish-now") && init?.method === "POST")).toBe(true);
  });

  it("deletes only once confirmed, then leaves for the list", async () => {
    const fetchMock = routes({
      "/v1/workspaces/w_1/posts/p_1": post([target("x", "pending")], "scheduled"),
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "DELETE /v1/workspaces/w_1/posts/p_1": null,
    });
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Delete" }));
    fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    fireEvent.click(within(screen.getByRole("alertdialog", { name: "Delete this post?" })).getByRole("button", { name: "Delete post" }));
    expect(await screen.findByRole("heading", { name: "All posts page" })).toBeTruthy();
    expect(toasts).toContain("Post deleted.");
  });

  it("duplicates a post as a new draft with the same content and accounts", async () => {
    const original = { ...post([{ ...target("x", "pending"), text: "Short for X" }, target("linkedin", "pending")], "scheduled"), media_ids: ["m_1"], first_comment: "#bread" };
    const copy = { ...original, id: "p_2", status: "draft", scheduled_at: null, version: 1 };
    const fetchMock = routes({
      "/v1/workspaces/w_1/posts/p_1": original,
      "/v1/workspaces/w_1/posts/p_2": copy,
      "/v1/workspaces/w_1/accounts": ACCOUNTS,
      "/v1/workspaces/w_1/media/m_1": { id: "m_1", kind: "image", filename: "loaf.jpg", url: null, thumbnail_url: "https://s3.test/t.jpg", alt_text: null },
      "POST /v1/workspaces/w_1/posts": copy,
    });
    renderPage();
    fireEvent.click(await screen.findByRole("button", { name: "Duplicate" }));
    await waitFor(() => expect(toasts).toContain("Copy saved as a draft."));
    const created = fetchMock.mock.calls.find(([path, init]) => init?.method === "POST" && String(path).endsWith("/posts"));
    expect(JSON.parse(String(created?.[1]?.body))).toEqual({
      text: "Launch day",
      media_ids: ["m_1"],
      targets: [
        { account_id: "a_x", text: "Short for X", options: {} },
        { account_id: "a_linkedin", options: {} },
      ],
      first_comment: "#bread",
    });
  });
});

describe("NotificationBell", () => {
  it("shows the unread count and the list, and marks one read", async () => {
    const note = { id: "n_1", kind: "post.failed", title: "A post did not go out on X", message: "Reconnect.", link: "/posts/p_1", read: false, created_at: "2026-12-01T08:00:00Z" };
    const fetchMock = vi
      .spyOn(globalThis, "fetch")
      .mockImplementationOnce(async () => json({ items: [note], unread: 1 }))
      .mockImplementationOnce(async () => json({ ...note, read: true }))
      .mockImplementation(async () => json({ items: [{ ...note, read: true }], unread: 0 }));
    renderWith(<NotificationBell />);
    fireEvent.click(await screen.findByRole("button", { name: "Notifications, 1 unread" }));
    expect(screen.getByRole("link", { name: "A post did not go out on X" }).getAttribute("href")).toBe("/posts/p_1");
    fireEvent.click(screen.getByRole("button", { name: "Mark as read" }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Notifications" })).toBeTruthy());
    expect(String(fetchMock.mock.calls[1][0])).toBe("/v1/workspaces/w_1/notifications/n_1/read");
  });
});
