import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
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

describe("PostPage", () => {
  it("shows each network's status and retries the failed ones", async () => {
    const failed = post([target("x", "published"), target("linkedin", "failed", "LinkedIn refused the post: too long.")]);
    const retried = post([target("x", "published"), target("linkedin", "pending")], "publishing");
    const fetchMock = vi
      .spyOn(globalThis, "fetch")
      .mockImplementationOnce(async () => json(failed))
      .mockImplementationOnce(async () => json(retried));
    renderWith(<PostPage />);
    expect(await screen.findByText("LinkedIn refused the post: too long.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "View on x" }).getAttribute("href")).toBe("https://x.test/123");
    fireEvent.click(screen.getByRole("button", { name: "Retry the failed network" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /Retry/ })).toBeNull());
    expect(String(fetchMock.mock.calls[1][0])).toBe("/v1/workspaces/w_1/posts/p_1/retry");
    expect(fetchMock.mock.calls[1][1]?.method).toBe("POST");
    expect(screen.getByText("Waiting")).toBeTruthy();
  });

  it("warns to check the network before retrying an unconfirmed target", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => json(post([target("x", "unconfirmed")], "failed")));
    renderWith(<PostPage />);
    expect(await screen.findByText("Unconfirmed: check before retrying")).toBeTruthy();
    expect(screen.getByText(/check them before retrying/)).toBeTruthy();
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
