import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import type { Network } from "../posts/api";
import { ComposerForm } from "../posts/ComposerPage";
import { networksOf, suggestionTitle, variantsFor, writerLabel, type Suggestion } from "./api";

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

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function suggestion(fields: Partial<Suggestion>): Suggestion {
  return { network: "x", text: "", hashtags: [], goal: null, count: 0, limit: 280, cut: false, ...fields };
}

function renderComposer(answer: (body: Record<string, unknown>) => Response) {
  const sent: Record<string, unknown>[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    if (url.endsWith("/ai/assist")) {
      const body = JSON.parse(String(init?.body));
      sent.push(body);
      return answer(body);
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
  return sent;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("writing help helpers", () => {
  it("names the writer, the suggestion and the accounts it goes to", () => {
    expect(writerLabel("offline")).toMatch(/built-in writer/);
    expect(writerLabel("bedrock:anthropic.claude")).toBe("Written by Amazon Bedrock (anthropic.claude)");
    expect(suggestionTitle("rewrite", suggestion({ goal: "shorter" }), "X")).toBe("Shorter for X");
    expect(suggestionTitle("rewrite", suggestion({ goal: "longer" }), "LinkedIn")).toBe("Longer for LinkedIn");
    expect(suggestionTitle("hashtags", suggestion({}), "X")).toBe("Hashtags for X");
    const accounts = [
      { id: "a1", network: "x" },
      { id: "a2", network: "linkedin" },
      { id: "a3", network: "x" },
    ];
    expect(networksOf(accounts)).toEqual(["x", "linkedin"]);
    expect(variantsFor(accounts, "x", "Hi")).toEqual({ a1: "Hi", a3: "Hi" });
  });
});

describe("Writing help in the composer", () => {
  it("waits for text and accounts, then rewrites per network and uses a suggestion", async () => {
    const sent = renderComposer(() =>
      json({
        writer: "offline",
        action: "rewrite",
        credits: 2,
        skipped: [],
        suggestions: [
          suggestion({ network: "x", goal: "shorter", text: "Short one.", count: 10 }),
          suggestion({ network: "linkedin", goal: "longer", text: "A longer one.\n\nWith a question?", count: 30, limit: 3000 }),
        ],
      }),
    );
    const rewrite = screen.getByRole("button", { name: "Rewrite for each network" });
    expect((rewrite as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByText("Choose an account first.")).toBeTruthy();
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop/ }));
    fireEvent.click(screen.getByRole("checkbox", { name: /LinkedIn · Shop Inc/ }));
    expect((rewrite as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Fresh bread today, come early." } });
    expect((rewrite as HTMLButtonElement).disabled).toBe(false);
    fireEvent.click(rewrite);

    const x = await screen.findByRole("listitem", { name: "Shorter for X" });
    expect(within(x).getByText("10 / 280")).toBeTruthy();
    expect(screen.getByRole("listitem", { name: "Longer for LinkedIn" })).toBeTruthy();
    expect(screen.getByText(/Written by Schedulo's built-in writer .* 2 AI credits/)).toBeTruthy();
    expect(sent).toEqual([{ action: "rewrite", text: "Fresh bread today, come early.", networks: ["x", "linkedin"] }]);

    fireEvent.click(within(x).getByRole("button", { name: "Use for X" }));
    expect((within(x).getByRole("button", { name: "Used" }) as HTMLButtonElement).disabled).toBe(true);
    // X's account now has its own text; the shared text is unchanged.
    expect(screen.getByRole("tab", { name: /X · Shop \(own text\)|X \(own text\)/ })).toBeTruthy();
    expect((screen.getByLabelText("Text") as HTMLTextAreaElement).value).toBe("Fresh bread today, come early.");
  });

  it("changes tone with the chosen tone, fills the first comment, and shows refusals", async () => {
    const sent = renderComposer((body) => {
      if (body.action === "hashtags") {
        return json({ error: { code: "rate_limited", message: "This workspace may ask for 60 AI generations an hour", details: [] } }, 429);
      }
      return json({
        writer: "bedrock:anthropic.claude-3-5-haiku",
        action: body.action,
        credits: 1,
        skipped: [],
        suggestions: [suggestion({ network: "x", goal: body.action === "tone" ? "tone" : null, text: "What will you bake?", count: 19 })],
      });
    });
    fireEvent.click(screen.getByRole("checkbox", { name: /X · Shop/ }));
    fireEvent.change(screen.getByLabelText("Text"), { target: { value: "Fresh bread." } });
    fireEvent.change(screen.getByLabelText("Tone"), { target: { value: "educational" } });
    fireEvent.click(screen.getByRole("button", { name: "Change tone" }));
    await screen.findByRole("listitem", { name: "New tone for X" });
    expect(sent[0]).toMatchObject({ action: "tone", tone: "educational" });
    expect(screen.getByText(/Written by Amazon Bedrock \(anthropic.claude-3-5-haiku\)/)).toBeTruthy();

    fireEvent.click(screen.getByRole("button", { name: "Suggest a first comment" }));
    const comment = await screen.findByRole("listitem", { name: "First comment for X" });
    fireEvent.click(within(comment).getByRole("button", { name: "Use as first comment" }));
    expect((screen.getByLabelText("First comment (optional)") as HTMLTextAreaElement).value).toBe("What will you bake?");

    fireEvent.click(screen.getByRole("button", { name: "Suggest hashtags" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/60 AI generations an hour/);
  });
});
