import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CommentThread } from "./CommentThread";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("CommentThread", () => {
  it("offers members after @, and sends the picked one as a mention", async () => {
    const sent: unknown[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input);
      if (url.endsWith("/members")) {
        return json({
          items: [
            { user_id: "u_ada", name: "Ada Lovelace", email: "ada@example.com", role: "editor", joined_at: "" },
            { user_id: "u_bob", name: "Bob Stone", email: "bob@example.com", role: "viewer", joined_at: "" },
          ],
        });
      }
      if (url.endsWith("/comments") && init?.method === "POST") {
        const body = JSON.parse(String(init.body));
        sent.push(body);
        return json(
          {
            id: "c_1",
            post_id: "p_1",
            author: { id: "u_me", name: "Me" },
            text: body.text,
            mentions: [{ id: "u_ada", name: "Ada Lovelace" }],
            created_at: "2026-12-01T10:00:00Z",
          },
          201,
        );
      }
      return json({ items: [] });
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <CommentThread workspaceId="w_1" postId="p_1" meId="u_me" canModerate={false} />
      </QueryClientProvider>,
    );
    await screen.findByText(/No comments yet/);
    const box = screen.getByRole("combobox", { name: "Comment" }) as HTMLTextAreaElement;
    await waitFor(() => expect(globalThis.fetch).toHaveBeenCalledWith(expect.stringContaining("/members"), expect.anything()));
    fireEvent.change(box, { target: { value: "Thanks @lov", selectionStart: 11 } });
    const option = await screen.findByRole("option", { name: /Ada Lovelace/ });
    expect(screen.queryByRole("option", { name: /Bob Stone/ })).toBeNull();
    fireEvent.mouseDown(option);
    expect(box.value).toBe("Thanks @Ada Lovelace ");
    fireEvent.click(screen.getByRole("button", { name: "Comment" }));
    const mark = await screen.findByText("@Ada Lovelace", { selector: "mark" });
    expect(mark).toBeTruthy();
    expect(sent).toEqual([{ text: "Thanks @Ada Lovelace", mentions: ["u_ada"] }]);
  });
});
