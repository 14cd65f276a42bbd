import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import type { Network } from "./api";
import { ComposerForm } from "./ComposerPage";

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

function renderComposer(answer: () => Response) {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) =>
    init?.method === "POST" ? answer() : json({ items: [], next_cursor: null }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ComposerForm base="/v1/workspaces/w_1" workspaceId="w_1" networks={NETWORKS} accounts={ACCOUNTS} defaultZone="Europe/Paris" />
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
});
