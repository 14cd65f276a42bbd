// The analytics pieces other pages show: a post's numbers, "Use best times" on the queue,
// the composer's suggested times.
import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import type { ReactNode } from "react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import { Toasts } from "../components/Toasts";
import type { Post } from "../posts/api";
import { createQueryClient } from "../queryClient";
import { metricOrder, PostMetrics } from "./PostMetrics";
import { SuggestedSlots } from "./SuggestedSlots";
import { UseBestTimes } from "./UseBestTimes";

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function wrap(children: ReactNode) {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        {children}
        <Toasts />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const account: Account = {
  id: "a_sky", network: "bluesky", display_name: "Acme Sky", handle: "acme", avatar_url: null, kind: "profile", status: "connected",
  token_expires_at: null, slots: [{ weekday: 0, time: "09:00" }], timezone: "Europe/Paris", last_error: null, scheduled_posts: 0,
};

function published(): Post {
  return {
    id: "p_1", version: 1, status: "published", text: "Hello", media_ids: [], first_comment: null, scheduled_at: "2030-03-04T09:00:00Z",
    timezone: "Europe/Paris", recurrence: null, created_by: null, created_at: "", updated_at: "",
    targets: [{ account_id: "a_sky", network: "bluesky", text: null, options: {}, status: "published", attempts: 1, external_id: "at://1", url: "https://bsky.app/p/1", error: null, published_at: "2030-03-04T09:00:01Z" }],
  };
}

describe("PostMetrics", () => {
  it("shows each metric the network gives and names the network for one it does not", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      json({
        post_id: "p_1",
        targets: [
          {
            target_id: "t_1", account_id: "a_sky", network: "bluesky", url: "https://bsky.app/p/1", published_at: "2030-03-04T09:00:01Z", state: "collecting",
            metrics: { likes: 42, impressions: null, comments: 3 }, unavailable: ["impressions"],
            snapshots: [{ at: "2030-03-04T10:00:00Z", values: { likes: 12, comments: 1 } }, { at: "2030-03-05T09:00:00Z", values: { likes: 42, comments: 3 } }],
          },
        ],
      }),
    );
    wrap(<PostMetrics workspaceId="w_1" post={published()} accounts={new Map([["a_sky", account]])} />);
    const card = await screen.findByRole("listitem", { name: "Acme Sky on Bluesky" });
    const likes = card.querySelector<HTMLElement>('[data-metric="likes"]')!;
    expect(within(likes).getByText("42")).toBeTruthy();
    const impressions = card.querySelector<HTMLElement>('[data-metric="impressions"]')!;
    expect(within(impressions).getByText("Not available on Bluesky")).toBeTruthy();
    expect(within(card).getByText(/2 readings/)).toBeTruthy();
  });

  it("says when the first numbers come, and shows nothing for a post not yet out", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockResolvedValue(json({ post_id: "p_1", targets: [] }));
    wrap(<PostMetrics workspaceId="w_1" post={published()} accounts={new Map()} />);
    expect(await screen.findByText(/first numbers arrive within the hour/)).toBeTruthy();
    cleanup();
    fetchMock.mockClear();
    const draft = { ...published(), status: "draft" as const, targets: [{ ...published().targets[0], status: "pending" as const }] };
    wrap(<PostMetrics workspaceId="w_1" post={draft} accounts={new Map()} />);
    expect(screen.queryByRole("heading", { name: "Performance" })).toBeNull();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it("puts the usual metrics first", () => {
    expect(metricOrder({ quotes: 1, outbound_clicks: 2, likes: 3, engagements: 5, impressions: 4 })).toEqual(["impressions", "engagements", "likes", "quotes", "outbound_clicks"]);
  });
});

describe("UseBestTimes", () => {
  it("replaces the account's posting times from its best times, after saying what it does", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input);
      if (init?.method === "POST") return json({ ...account, slots: [{ weekday: 1, time: "09:00" }, { weekday: 1, time: "17:00" }] });
      if (url.includes("/best-times")) {
        return json({
          account_id: "a_sky", network: "bluesky", timezone: "Europe/Paris", source: "prior", posts_considered: 1, message: null,
          slots: [{ weekday: 1, hour: 9, expected_engagement_rate: 0.04, posts: 0, confidence: "low" }], heatmap: [],
        });
      }
      return json({}, 404);
    });
    wrap(<UseBestTimes workspaceId="w_1" account={account} />);
    fireEvent.click(screen.getByRole("button", { name: "Use best times" }));
    expect(await screen.findByText("Not enough history yet: these are Bluesky's usual good times.")).toBeTruthy();
    fireEvent.change(screen.getByLabelText("Times per day"), { target: { value: "3" } });
    fireEvent.click(screen.getByRole("button", { name: "Replace posting times" }));
    expect(await screen.findByText("Posting times of Acme Sky now follow its best times.")).toBeTruthy();
    const post = fetchMock.mock.calls.find(([, init]) => init?.method === "POST")!;
    expect(String(post[0])).toBe("/v1/workspaces/w_1/analytics/best-times/apply");
    expect(JSON.parse(String(post[1]!.body))).toEqual({ account_id: "a_sky", slots_per_day: 3 });
    await waitFor(() => expect(screen.getByRole("button", { name: "Use best times" })).toBeTruthy());
  });
});

describe("SuggestedSlots", () => {
  it("offers the next good times for the chosen accounts and schedules at one in its zone", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      json({
        slots: [
          { at: "2030-03-05T08:00:00Z", timezone: "Europe/Paris", account_ids: ["a_sky", "a_x"], expected_engagement_rate: 0.052, source: "account" },
          { at: "2030-03-05T16:00:00Z", timezone: "Europe/Paris", account_ids: ["a_sky", "a_x"], expected_engagement_rate: 0.041, source: "account" },
        ],
      }),
    );
    const picked = vi.fn();
    wrap(<SuggestedSlots workspaceId="w_1" accountIds={["a_x", "a_sky"]} onPick={picked} />);
    const list = await screen.findByRole("list", { name: "Suggested times" });
    const buttons = within(list).getAllByRole("button");
    expect(buttons).toHaveLength(2);
    expect(buttons[0].textContent).toMatch(/^Post at .*5\.2% expected$/);
    fireEvent.click(buttons[0]);
    expect(picked).toHaveBeenCalledWith(expect.objectContaining({ at: "2030-03-05T08:00:00Z" }), "2030-03-05T09:00");
    expect(String(fetchMock.mock.calls[0][0])).toBe("/v1/workspaces/w_1/analytics/next-slots?account_id=a_sky&account_id=a_x&count=3");
  });

  it("stays out of the way when there is nothing to suggest", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(json({ error: { code: "validation", message: "account_id" } }, 422));
    wrap(<SuggestedSlots workspaceId="w_1" accountIds={["a_x"]} onPick={() => {}} />);
    await waitFor(() => expect(screen.queryByText("Finding good times…")).toBeNull());
    expect(screen.queryByRole("list", { name: "Suggested times" })).toBeNull();
  });
});
