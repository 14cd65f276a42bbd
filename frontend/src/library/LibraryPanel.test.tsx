import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import type { Network } from "../posts/api";
import { ComposerForm } from "../posts/ComposerPage";
import type { LibraryItem } from "./api";

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

function item(fields: Partial<LibraryItem>): LibraryItem {
  return {
    id: "l_1", kind: "snippet", name: "Item", text: "", hashtags: [], variants: {}, media_ids: [], first_comment: null,
    version: 1, created_by: null, created_at: "2026-01-01T00:00:00Z", updated_at: "2026-01-01T00:00:00Z", ...fields,
  };
}

const ITEMS = [
  item({ id: "l_1", kind: "snippet", name: "Sign-off", text: "See you soon" }),
  item({ id: "l_2", kind: "hashtags", name: "Spring", hashtags: ["#spring", "#sale"] }),
  item({ id: "l_3", kind: "template", name: "Launch", text: "We launch today", variants: { x: "Launch day!" }, first_comment: "Details inside" }),
];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderComposer() {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    if (url.includes("/library") && init?.method === "POST") return json({ ...item({ id: "l_9", kind: "template" }), ...JSON.parse(String(init.body)) }, 201);
    if (url.includes("/library")) {
      const q = new URL(url, "http://x").searchParams.get("q");
      return json({ items: ITEMS.filter((i) => !q || i.name.toLowerCase().includes(q)), next_cursor: null });
    }
    return json({ items: [], next_cursor: null });
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <ComposerForm
          base="/v1/workspaces/w_1"
          workspaceId="w_1"
          networks={NETWORKS}
          accounts={[account("a_x", "x", "Shop"), account("a_li", "linkedin", "Shop Inc")]}
          defaultZone="UTC"
        />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("Insert from the library", () => {
  it("puts a snippet at the caret and hashtags after the text", async () => {
    renderComposer();
    const text = screen.getByLabelText("Text") as HTMLTextAreaElement;
    fireEvent.change(text, { target: { value: "Thanks all." } });
    text.setSelectionRange(11, 11);
    fireEvent.click(screen.getByRole("button", { name: /Insert from the library/ }));
    fireEvent.click(await screen.findByRole("button", { name: "Insert Sign-off" }));
    expect(text.value).toBe("Thanks all. See you soon");
    fireEvent.click(screen.getByRole("button", { name: "Add hashtags Spring" }));
    expect(text.value).toBe("Thanks all. See you soon\n\n#spring #sale");
  });

  it("fills the post from a template, its own text going to the accounts of that network", async () => {
    renderComposer();
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.click(screen.getByRole("button", { name: /Insert from the library/ }));
    fireEvent.change(screen.getByLabelText("Search the library"), { target: { value: "launch" } });
    await waitFor(() => expect(screen.queryByRole("button", { name: "Insert Sign-off" })).toBeNull());
    fireEvent.click(await screen.findByRole("button", { name: "Use template Launch" }));
    expect((screen.getByLabelText("Text") as HTMLTextAreaElement).value).toBe("We launch today");
    expect((screen.getByLabelText("First comment (optional)") as HTMLTextAreaElement).value).toBe("Details inside");
    expect(screen.getByRole("tab", { name: "X (own text)" })).toBeTruthy();
    // An account chosen after the template still gets the template's text for its network.
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    expect(screen.getByRole("tab", { name: "LinkedIn" })).toBeTruthy();
    fireEvent.click(screen.getByRole("tab", { name: "X (own text)" }));
    expect((screen.getByLabelText("Text for X") as HTMLTextAreaElement).value).toBe("Launch day!");
  });

  it("saves the post being written as a template, with its own text per network", async () => {
    const fetchMock = renderComposer();
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop$/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Open today" } });
    fireEvent.click(screen.getByRole("tab", { name: "X" }));
    fireEvent.click(screen.getByRole("checkbox", { name: "Own text for X" }));
    fireEvent.change(screen.getByLabelText("Text for X"), { target: { value: "Open today!" } });
    fireEvent.change(screen.getByLabelText("First comment (optional)"), { target: { value: "Map in bio" } });
    fireEvent.click(screen.getByRole("button", { name: /Insert from the library/ }));
    fireEvent.change(screen.getByLabelText("Save this post as a template"), { target: { value: "Opening" } });
    fireEvent.click(screen.getByRole("button", { name: "Save template" }));
    expect(await screen.findByText("Saved “Opening” to the library.")).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST")!;
    expect(JSON.parse(String(post[1]!.body))).toEqual({
      kind: "template", name: "Opening", hashtags: [], text: "Open today", variants: { x: "Open today!" }, media_ids: [], first_comment: "Map in bio",
    });
  });
});
