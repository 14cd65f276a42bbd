import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Toasts } from "../components/Toasts";
import { createQueryClient } from "../queryClient";
import { AnalyticsPage } from "./AnalyticsPage";
import type { BestTimes, Summary, Totals, TopPosts } from "./types";

const role = vi.hoisted(() => ({ current: "owner" }));
vi.mock("../auth/session", () => ({
  useMe: () => ({ isPending: false, isError: false }),
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: role.current, timezone: "Europe/London" }, workspaces: [], choose: () => {} }),
}));

beforeAll(() => {
  // recharts measures its box; jsdom has no layout.
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
});

function totals(over: Partial<Totals>): Totals {
  return {
    posts_published: 0, posts_failed: 0, impressions: null, reach: null, engagements: 0, likes: 0, comments: 0, shares: 0,
    saves: null, clicks: null, engagement_rate: null, engagement_rate_basis: null, followers: null, followers_change: null, ...over,
  };
}

const accounts = [
  { id: "a_x", network: "x", display_name: "Acme on X", handle: "acme", avatar_url: null, status: "connected", timezone: "Europe/London", slots: [] },
  { id: "a_bsky", network: "bluesky", display_name: "Acme Sky", handle: "acme.bsky.social", avatar_url: null, status: "connected", timezone: "Europe/London", slots: [] },
];

const summary: Summary = {
  from: "2030-02-11", to: "2030-03-10", timezone: "Europe/London", previous: { from: "2030-01-14", to: "2030-02-10" },
  totals: totals({ posts_published: 12, impressions: 5600, engagements: 224, engagement_rate: 0.04, engagement_rate_basis: "impressions", followers: 1300, followers_change: 40 }),
  previous_totals: totals({ posts_published: 10, impressions: 5000, engagements: 250, engagement_rate: 0.05, followers: 1260 }),
  networks: [
    { network: "x", name: "X", totals: totals({ posts_published: 8, impressions: 5600, engagements: 200, engagement_rate: 0.0357, followers: 1000, followers_change: 30 }), previous_totals: totals({ impressions: 5000, engagements: 180 }), unavailable: ["saves"] },
    { network: "bluesky", name: "Bluesky", totals: totals({ posts_published: 4, impressions: null, engagements: 24, engagement_rate: 0.08, engagement_rate_basis: "followers", followers: 300, followers_change: 10 }), previous_totals: totals({ engagements: 70 }), unavailable: ["impressions", "reach", "saves", "clicks"] },
  ],
  accounts: [],
  series: [
    { date: "2030-03-09", posts: 1, impressions: 300, engagements: 12, followers: 1290 },
    { date: "2030-03-10", posts: 2, impressions: 500, engagements: 20, followers: 1300 },
  ],
};

const top: TopPosts = {
  metric: "engagements",
  items: [
    { post_id: "p_1", target_id: "t_1", account_id: "a_bsky", network: "bluesky", excerpt: "Our spring launch is here", thumbnail_url: "/thumb.png", url: "https://bsky.app/profile/acme/post/1", published_at: "2030-03-09T09:00:00Z", value: 24, metrics: { impressions: null, likes: 20, comments: 2, shares: 2 } },
  ],
};

const best: BestTimes = {
  account_id: "a_x", network: "x", timezone: "Europe/London", source: "prior", posts_considered: 2, message: null,
  slots: [{ weekday: 1, hour: 9, expected_engagement_rate: 0.05, posts: 0, confidence: "low" }],
  heatmap: Array.from({ length: 7 }, (_, d) => Array.from({ length: 24 }, (_, h) => (d === 1 && h === 9 ? 0.05 : 0.02))),
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function serve(answer: { summary?: Summary; accounts?: unknown[] } = {}) {
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = new URL(String(input), "http://app.test");
    if (url.pathname.endsWith("/accounts")) return json({ items: answer.accounts ?? accounts });
    if (url.pathname.endsWith("/analytics/summary")) return json(answer.summary ?? summary);
    if (url.pathname.endsWith("/analytics/top-posts")) return json(top);
    if (url.pathname.endsWith("/analytics/best-times")) return json(best);
    return json({}, 404);
  });
}

function renderPage(path = "/analytics") {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <AnalyticsPage />
        <Toasts />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  role.current = "owner";
});

describe("AnalyticsPage", () => {
  it("shows the headline numbers with their change, and a metric a network lacks as not available there", async () => {
    const fetchMock = serve();
    renderPage("/analytics?range=7d");
    const cards = await screen.findByRole("list", { name: "Headline numbers" });
    const card = (name: string) => within(cards).getByRole("heading", { name }).closest("li")!;
    expect(within(card("Impressions")).getByText((5600).toLocaleString())).toBeTruthy();
    expect(within(card("Impressions")).getByText("+12%")).toBeTruthy();
    expect(within(card("Impressions")).getByText("up 12% on the previous period")).toBeTruthy();
    expect(within(card("Impressions")).getByText(/Without Bluesky/)).toBeTruthy();
    expect(within(card("Engagement rate")).getByText("−1.0 pts")).toBeTruthy();
    expect(within(card("Followers")).getByText("+40 in this period")).toBeTruthy();
    // Bluesky gives no impressions: its row says so, never 0.
    const byNetwork = screen.getByRole("table", { name: "By network" });
    const bluesky = within(byNetwork).getByRole("row", { name: /Bluesky/ });
    expect(within(bluesky).getByText("Not available on Bluesky")).toBeTruthy();
    // The range asked for went to the API as days.
    const asked = fetchMock.mock.calls.map(([url]) => String(url)).find((u) => u.includes("/analytics/summary"))!;
    expect(new URL(asked, "http://app.test").searchParams.get("to")).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("ranks top posts with a link to the live post, and says when best times are the network's usual ones", async () => {
    serve();
    renderPage();
    const live = await screen.findByRole("link", { name: /View on Bluesky/ });
    expect(live.getAttribute("href")).toBe("https://bsky.app/profile/acme/post/1");
    expect(screen.getByRole("link", { name: "Our spring launch is here" }).getAttribute("href")).toBe("/posts/p_1");
    const row = screen.getByRole("link", { name: "Our spring launch is here" }).closest("li")!;
    expect(row.querySelector("img")?.getAttribute("src")).toBe("/thumb.png");
    expect(screen.getByText("Impressions: not available on Bluesky")).toBeTruthy();
    expect(await screen.findByText("Not enough history yet: these are X's usual good times.")).toBeTruthy();
    const suggested = screen.getByRole("list", { name: "Suggested times for Acme on X" });
    expect(within(suggested).getByText(/^Tuesday/)).toBeTruthy();
    expect(screen.getAllByText(/Tuesday .*: 5\.0% expected engagement \(suggested time 1\)/).length).toBeGreaterThan(0);
  });

  it("asks the API for the page's account and network's own top posts and shows what it ranks", async () => {
    const fetchMock = serve();
    renderPage("/analytics?network=bluesky&account=a_bsky");
    await screen.findByRole("link", { name: "Our spring launch is here" });
    const asked = fetchMock.mock.calls
      .map(([url]) => new URL(String(url), "http://app.test"))
      .filter((u) => u.pathname.endsWith("/analytics/top-posts"));
    const last = asked[asked.length - 1];
    expect(last.searchParams.get("network")).toBe("bluesky");
    expect(last.searchParams.get("account_id")).toBe("a_bsky");
    expect(last.searchParams.get("limit")).toBe("10");
  });

  it("a metric no network in scope gives is not drawn as zero", async () => {
    serve({
      summary: {
        ...summary,
        totals: totals({ posts_published: 4, impressions: null, engagements: 24 }),
        networks: [summary.networks[1]],
        series: summary.series.map((p) => ({ ...p, impressions: null })),
      },
    });
    renderPage("/analytics?network=bluesky");
    const cards = await screen.findByRole("list", { name: "Headline numbers" });
    const impressions = within(cards).getByRole("heading", { name: "Impressions" }).closest("li")!;
    expect(within(impressions).getByText("Not available on Bluesky")).toBeTruthy();
    expect(within(impressions).queryByText("0")).toBeNull();
    expect(await screen.findByText("Impressions: Not available on Bluesky.")).toBeTruthy(); // the chart loads on its own
    fireEvent.click(screen.getByRole("button", { name: "Engagements" }));
    expect(screen.getByText("Show the numbers")).toBeTruthy();
  });

  it("says which accounts need reconnecting before their numbers update again", async () => {
    serve({ accounts: [accounts[0], { ...accounts[1], status: "needs_reconnect" }] });
    renderPage();
    const note = await screen.findByText(/Acme Sky needs reconnecting/);
    expect(within(note).getByRole("link", { name: "Reconnect" }).getAttribute("href")).toBe("/accounts");
  });

  it("tells a workspace without accounts what to do", async () => {
    serve({ accounts: [] });
    renderPage();
    expect(await screen.findByRole("link", { name: "Connect an account" })).toBeTruthy();
    expect(screen.getByText(/appear here within the hour/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Download CSV" })).toBeNull();
  });

  it("asks for a preset's days and hides the changes when not comparing", async () => {
    const fetchMock = serve();
    renderPage();
    const cards = await screen.findByRole("list", { name: "Headline numbers" });
    fireEvent.click(screen.getByLabelText("Last 7 days"));
    await waitFor(() => {
      const asked = fetchMock.mock.calls.map(([url]) => new URL(String(url), "http://app.test")).filter((u) => u.pathname.endsWith("/summary"));
      const last = asked[asked.length - 1];
      const days = (Date.parse(last.searchParams.get("to")!) - Date.parse(last.searchParams.get("from")!)) / 86_400_000 + 1;
      expect(days).toBe(7);
    });
    expect(within(cards).queryByText("+12%")).toBeTruthy();
    fireEvent.click(screen.getByLabelText(/Compare with the previous period/));
    await waitFor(() => expect(within(screen.getByRole("list", { name: "Headline numbers" })).queryByText("+12%")).toBeNull());
  });

  it("checks a custom range before asking for it", async () => {
    const fetchMock = serve();
    renderPage();
    await screen.findByRole("list", { name: "Headline numbers" });
    fireEvent.click(screen.getByLabelText("Custom"));
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2030-03-10" } });
    fireEvent.change(screen.getByLabelText("To"), { target: { value: "2030-03-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Show these dates" }));
    expect(screen.getByRole("alert").textContent).toBe("The first day must come before the last.");
    fireEvent.change(screen.getByLabelText("From"), { target: { value: "2030-02-01" } });
    fireEvent.click(screen.getByRole("button", { name: "Show these dates" }));
    await waitFor(() =>
      expect(fetchMock.mock.calls.some(([url]) => String(url).includes("summary?from=2030-02-01&to=2030-03-01"))).toBe(true),
    );
  });
});
