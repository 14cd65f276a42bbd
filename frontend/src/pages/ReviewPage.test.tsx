import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ReviewView } from "../approvals/reviewLinks";
import { ReviewPage } from "./ReviewPage";

const VIEW: ReviewView = {
  workspace_name: "Acme",
  label: "Carla",
  expires_at: "2030-01-01T00:00:00Z",
  status: "pending_approval",
  version: 4,
  text: "Spring sale",
  first_comment: "Link in bio",
  scheduled_at: "2030-01-01T09:00:00Z",
  timezone: "UTC",
  targets: [{ network: "x", account_name: "Shop", account_handle: "shop", avatar_url: null, text: "Spring sale on X" }],
  media: [],
  networks: [{ id: "x", name: "X", capabilities: ["text"], limits: { text: { max_length: 280, counting: "weighted", url_length: 23 }, max_media: 4, first_comment_max: 280 } }],
  can_decide: true,
  reason: null,
  step: 2,
  steps: 2,
  your_last_decision: null,
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderPage(answer: (url: string, init?: RequestInit) => Response) {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => answer(String(input), init));
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter initialEntries={["/review/tok.sig"]}>
        <Routes>
          <Route path="/review/:token" element={<ReviewPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("ReviewPage", () => {
  it("shows each network's preview and sends a request for changes with its comment and version", async () => {
    const fetchMock = renderPage((_url, init) => {
      if (init?.method === "POST") {
        const body = JSON.parse(String(init.body));
        if (!body.comment) {
          return json({ error: { code: "validation_error", message: "comment: say what should change", details: [{ field: "comment", message: "say what should change" }] } }, 422);
        }
        return json({ ...VIEW, status: "changes_requested", can_decide: false, reason: "Changes were requested: the author is on it.", your_last_decision: { decision: "request_changes", at: "2029-12-01T10:00:00Z", comment: body.comment } });
      }
      return json(VIEW);
    });
    await screen.findByRole("heading", { name: "Review this post" });
    expect(screen.getByRole("article", { name: "Preview on X" }).textContent).toContain("Spring sale on X");
    expect(screen.getByText("Step 2 of 2 of the approval.")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Request changes" }));
    expect(await screen.findByText("say what should change")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Comment (needed to request changes)"), { target: { value: "Say 20%" } });
    fireEvent.click(screen.getByRole("button", { name: "Request changes" }));
    expect(await screen.findByText(/You asked for changes/)).toBeTruthy();
    expect(screen.getByText("Changes were requested: the author is on it.")).toBeTruthy();
    const sent = fetchMock.mock.calls.filter(([, init]) => init?.method === "POST").map(([, init]) => JSON.parse(String(init!.body)));
    expect(sent[1]).toEqual({ decision: "request_changes", comment: "Say 20%", name: null, version: 4 });
    expect(String(fetchMock.mock.calls[0][0])).toBe("/v1/review-links/tok.sig");
  });

  it("says why a link does not work", async () => {
    renderPage(() => json({ error: { code: "not_found", message: "This review link was revoked. Ask whoever sent it for a new one.", details: [] } }, 404));
    expect(await screen.findByRole("heading", { name: "This link does not work" })).toBeTruthy();
    expect(screen.getByRole("alert").textContent).toContain("revoked");
  });
});
