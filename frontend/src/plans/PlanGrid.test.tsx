// The month's grid: counts, approving all or one, and an item's caption checked against its
// network's count before it can be saved.
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Account } from "../accounts/api";
import { keys, type Plan, type PlanItem } from "./api";
import { PlanGrid } from "./PlanGrid";

const ACCOUNT: Account = {
  id: "acc_x", network: "x", display_name: "Crumb & Co", handle: "crumbco", avatar_url: null, kind: "profile", status: "connected",
  token_expires_at: null, slots: [], timezone: "UTC", last_error: null, scheduled_posts: 0,
};
const LINKEDIN_ACCOUNT: Account = { ...ACCOUNT, id: "acc_li", network: "linkedin", handle: "crumb-co" };
const LINKEDIN = {
  id: "linkedin", name: "LinkedIn", capabilities: [],
  limits: { text: { max_length: 3000, counting: "graphemes", url_length: null }, max_media: 9, first_comment_max: null },
};
const X = {
  id: "x", name: "X", capabilities: [],
  limits: { text: { max_length: 280, counting: "weighted", url_length: 23 }, max_media: 4, first_comment_max: null },
};

function item(id: string, day: string, status: PlanItem["status"] = "draft"): PlanItem {
  return {
    item_id: id, kind: id === "i2" ? "promo" : "post", pillar: "Fresh bakes", title: `Title ${id}`, slot: `2027-01-${day}T09:30:00+00:00`,
    post_id: `p_${id}`, status, writer: "offline", media_id: null, image_template: "tip", headline: "Warm bread", version: 1,
    captions: [{ account_id: "acc_x", network: "x", text: `Caption ${id} #bread`, hashtags: ["bread"], count: 18, limit: 280 }],
  };
}

const PLAN: Plan = {
  plan_id: "plan_1", month: "2027-01", status: "ready", progress: 100, writer: "offline",
  items: [item("i3", "12", "scheduled"), item("i1", "05"), item("i2", "07")],
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function show(plan: Plan, readOnly = false) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    const method = init?.method ?? "GET";
    const body = init?.body ? JSON.parse(String(init.body)) : null;
    calls.push({ url, method, body });
    if (url === "/v1/networks") return json({ items: [X, LINKEDIN] });
    if (method === "PATCH") {
      const old = plan.items.find((i) => url.endsWith(`/items/${i.item_id}`))!;
      return json({ ...old, title: body.title ?? old.title, slot: body.slot ? `${body.slot}:00+00:00` : old.slot, version: 2 });
    }
    if (url.endsWith("/regenerate") && body.part === "image") {
      const old = plan.items.find((i) => url.includes(`/items/${i.item_id}/`))!;
      return json({ ...old, media_id: "m_new", version: 2 });
    }
    if (url.endsWith("/media/m_new")) {
      return json({ id: "m_new", url: "/img/new.png", thumbnail_url: "/img/new-thumb.png", alt_text: "Warm bread, new", width: 1080, height: 1080, focal_point: { x: 0.5, y: 0.5 } });
    }
    if (url.endsWith("/regenerate")) {
      const old = plan.items.find((i) => url.includes(`/items/${i.item_id}/`))!;
      const caption = { ...old.captions[0], text: `Rewritten ${old.item_id} #rye`, hashtags: ["rye"], count: 20 };
      return json({ ...old, captions: [caption], version: 2 });
    }
    if (method === "DELETE") return new Response(null, { status: 204 });
    if (url.endsWith("/approve")) {
      const ids: string[] | undefined = body?.item_ids;
      return json({ ...plan, items: plan.items.map((i) => (!ids || ids.includes(i.item_id) ? { ...i, status: "scheduled" } : i)) });
    }
    return json({ error: { code: "not_found", message: "?" } }, 404);
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  client.setQueryData(keys.plan("w_1", plan.plan_id), plan);
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <Page planId={plan.plan_id} readOnly={readOnly} />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return calls;
}

/** The grid as the page shows it: the plan read from the query cache the grid writes to. */
function Page({ planId, readOnly }: { planId: string; readOnly: boolean }) {
  const plan = useQuery<Plan>({ queryKey: keys.plan("w_1", planId), queryFn: () => Promise.reject(new Error("cached")), staleTime: Infinity });
  return plan.data ? <PlanGrid workspaceId="w_1" timeZone="UTC" plan={plan.data} accounts={[ACCOUNT, LINKEDIN_ACCOUNT]} readOnly={readOnly} /> : null;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("PlanGrid", () => {
  it("shows the items in date order with the writer, their kind and caption counts", () => {
    show(PLAN);
    expect(screen.getByRole("heading", { name: "3 posts for January 2027" })).toBeTruthy();
    expect(screen.getByText(/Written by the offline writer/)).toBeTruthy();
    expect(screen.getByText("2 to approve · 1 scheduled")).toBeTruthy();
    expect(screen.queryByText(/times in/)).toBeNull(); // the items' zone is the page's
    const titles = screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent);
    expect(titles).toEqual(["Title i1", "Title i2", "Title i3"]);
    const promo = screen.getByRole("article", { name: "Title i2" });
    expect(within(promo).getByText("Promotion")).toBeTruthy();
    expect(within(promo).getByRole("list", { name: "Captions" }).textContent).toContain("18/280");
    const scheduled = screen.getByRole("article", { name: "Title i3" });
    expect(within(scheduled).getByRole("link", { name: "Title i3 on the calendar" }).getAttribute("href")).toBe("/calendar?view=day&date=2027-01-12");
    expect(within(scheduled).getByRole("link", { name: "Open the post “Title i3”" }).getAttribute("href")).toBe("/posts/p_i3");
    expect(within(scheduled).queryByRole("button", { name: /Approve/ })).toBeNull();
  });

  it("says the zone of the items' times when it is not the page's", () => {
    show({ ...PLAN, items: PLAN.items.map((i) => ({ ...i, timezone: "America/New_York" })) });
    expect(screen.getByText(/times in America\/New York/)).toBeTruthy();
    // 09:30 UTC is 4:30 in New York
    expect(within(screen.getByRole("article", { name: "Title i1" })).getByText(/TUE 5 JAN|Tue 5 Jan/).textContent).toMatch(/4:30/);
  });

  it("approves every draft at once, then says the month is scheduled", async () => {
    const calls = show(PLAN);
    fireEvent.click(screen.getByRole("button", { name: "Approve all 2" }));
    await screen.findByRole("status");
    expect(screen.getByRole("status").textContent).toContain("Every post of January 2027 is scheduled.");
    const approve = calls.find((c) => c.url.endsWith("/approve"))!;
    expect(approve).toMatchObject({ url: "/v1/workspaces/w_1/plans/plan_1/approve", method: "POST", body: {} });
    expect(screen.queryByRole("button", { name: /Approve all/ })).toBeNull();
    expect(screen.getByRole("link", { name: "See on the calendar" }).getAttribute("href")).toBe("/calendar?view=month&date=2027-01-05");
  });

  it("approves one item by its id", async () => {
    const calls = show(PLAN);
    fireEvent.click(screen.getByRole("button", { name: "Approve “Title i2”" }));
    await screen.findByText("1 to approve · 2 scheduled");
    expect(calls.find((c) => c.url.endsWith("/approve"))?.body).toEqual({ item_ids: ["i2"] });
  });

  it("previews a caption on its network and refuses to save one over the limit", async () => {
    show(PLAN);
    fireEvent.click(within(screen.getByRole("article", { name: "Title i1" })).getByRole("button", { name: "Preview & edit" }));
    const box = (await screen.findByLabelText("Caption for X")) as HTMLTextAreaElement;
    expect(box.value).toBe("Caption i1 #bread");
    await screen.findByRole("article", { name: "Preview on X" });
    const save = screen.getByRole("button", { name: "Save changes" }) as HTMLButtonElement;
    expect(save.disabled).toBe(true); // nothing changed yet
    fireEvent.change(box, { target: { value: "x".repeat(281) } });
    expect(screen.getByText(/281 \/ 280/).textContent).toContain("too long for this network");
    expect(save.disabled).toBe(true);
    fireEvent.change(box, { target: { value: "A shorter caption" } });
    expect(save.disabled).toBe(false);
  });

  it("rewrites an item's text and shows the new caption in its box and its preview", async () => {
    const calls = show(PLAN);
    fireEvent.click(within(screen.getByRole("article", { name: "Title i2" })).getByRole("button", { name: "Preview & edit" }));
    fireEvent.click(await screen.findByRole("button", { name: "Rewrite text" }));
    await screen.findByText("20/280");
    const box = screen.getByLabelText("Caption for X") as HTMLTextAreaElement;
    expect(box.value).toBe("Rewritten i2 #rye");
    expect(calls.find((c) => c.url.endsWith("/regenerate"))).toMatchObject({
      url: "/v1/workspaces/w_1/plans/plan_1/items/i2/regenerate",
      method: "POST",
      body: { part: "text" },
    });
  });

  it("draws a new image for an item and shows it on its card", async () => {
    const calls = show(PLAN);
    const card = screen.getByRole("article", { name: "Title i1" });
    expect(within(card).queryByRole("img")).toBeNull();
    fireEvent.click(within(card).getByRole("button", { name: "Preview & edit" }));
    fireEvent.click(await screen.findByRole("button", { name: "New image" }));
    const image = (await within(card).findByRole("img", { name: "Warm bread, new" })) as HTMLImageElement;
    expect(image.getAttribute("src")).toBe("/img/new-thumb.png");
    expect(calls.find((c) => c.url.endsWith("/regenerate"))?.body).toEqual({ part: "image" });
  });

  it("moves an item and renames it, sending only what changed with the version it was read at", async () => {
    const calls = show(PLAN);
    fireEvent.click(within(screen.getByRole("article", { name: "Title i1" })).getByRole("button", { name: "Preview & edit" }));
    const slot = (await screen.findByLabelText("Goes out (UTC)")) as HTMLInputElement;
    expect(document.activeElement).toBe(screen.getByLabelText("Title")); // the editor took the focus
    expect(slot.value).toBe("2027-01-05T09:30");
    fireEvent.change(slot, { target: { value: "2027-01-06T17:15" } });
    fireEvent.change(screen.getByLabelText("Title"), { target: { value: "Renamed" } });
    fireEvent.click(screen.getByRole("button", { name: "Save changes" }));
    await screen.findByRole("article", { name: "Renamed" });
    expect(calls.find((c) => c.method === "PATCH")).toMatchObject({
      url: "/v1/workspaces/w_1/plans/plan_1/items/i1",
      body: { version: 1, title: "Renamed", slot: "2027-01-06T17:15" },
    });
    expect(calls.find((c) => c.method === "PATCH")?.body).not.toHaveProperty("captions");
  });

  it("shows each network's caption and preview in turn", async () => {
    const both = item("i1", "05");
    both.captions.push({ account_id: "acc_li", network: "linkedin", text: "A longer LinkedIn caption", hashtags: [], count: 25, limit: 3000 });
    show({ ...PLAN, items: [both] });
    const card = screen.getByRole("article", { name: "Title i1" });
    expect(within(card).getByRole("list", { name: "Captions" }).textContent).toBe("X: 18/280LinkedIn: 25/3000");
    fireEvent.click(within(card).getByRole("button", { name: "Preview & edit" }));
    await screen.findByRole("article", { name: "Preview on X" });
    const linkedin = screen.getByRole("button", { name: "LinkedIn" });
    expect(linkedin.getAttribute("aria-pressed")).toBe("false");
    fireEvent.click(linkedin);
    expect(linkedin.getAttribute("aria-pressed")).toBe("true");
    expect((screen.getByLabelText("Caption for LinkedIn") as HTMLTextAreaElement).value).toBe("A longer LinkedIn caption");
    await screen.findByRole("article", { name: "Preview on LinkedIn" });
  });

  it("lets a viewer look but not approve or edit", async () => {
    show(PLAN, true);
    expect(screen.queryByRole("button", { name: /Approve/ })).toBeNull();
    fireEvent.click(within(screen.getByRole("article", { name: "Title i1" })).getByRole("button", { name: "Preview" }));
    const box = (await screen.findByLabelText("Caption for X")) as HTMLTextAreaElement;
    expect(box.readOnly).toBe(true);
    expect(screen.queryByRole("button", { name: "Save changes" })).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete plan" })).toBeNull();
  });

  it("deletes the plan once asked to confirm, saying what stays on the calendar", async () => {
    const asked = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
    const calls = show(PLAN);
    fireEvent.click(screen.getByRole("button", { name: "Delete plan" }));
    expect(asked.mock.calls[0][0]).toMatch(/2 drafts are deleted with it.*1 scheduled post stays on the calendar/);
    expect(calls.some((c) => c.method === "DELETE")).toBe(false);
    fireEvent.click(screen.getByRole("button", { name: "Delete plan" }));
    await waitFor(() => expect(calls.some((c) => c.method === "DELETE")).toBe(true));
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/v1/workspaces/w_1/plans/plan_1"]);
  });

  it("shows a caption's first comment in the item's editor", async () => {
    const withComment = item("i1", "05");
    withComment.captions = [{ ...withComment.captions[0], first_comment: "#sourdough #rye #bakery" }];
    show({ ...PLAN, items: [withComment] });
    fireEvent.click(screen.getByRole("button", { name: "Preview & edit" }));
    expect((await screen.findByText("#sourdough #rye #bakery")).closest(".first-comment")).toBeTruthy();
  });
});
