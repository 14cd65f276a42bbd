import { describe, expect, it } from "vitest";
import type { Plan, PlanItem } from "./api";
import {
  addChips,
  applyAnswer,
  captionText,
  fullness,
  inkOn,
  isMonth,
  itemsByDay,
  monthChoices,
  monthLabel,
  nextMonth,
  normaliseColour,
  percent,
  planCounts,
  todayIn,
  withWorkspaceRule,
  workspaceRule,
  writerName,
} from "./logic";

function item(id: string, slot: string | null, status: PlanItem["status"] = "draft", counts: [number, number][] = []): PlanItem {
  return {
    item_id: id,
    kind: "post",
    pillar: "Tips",
    title: `Item ${id}`,
    slot,
    post_id: null,
    status,
    writer: "offline",
    captions: counts.map(([count, limit], i) => ({ account_id: `a${i}`, network: "x", text: "t", hashtags: [], count, limit })),
    media_id: null,
    image_template: "tip",
    headline: null,
  };
}

describe("months", () => {
  it("defaults to the month after today, across a year's end", () => {
    expect(nextMonth("2026-12-05")).toBe("2027-01");
    expect(nextMonth("2027-01-31")).toBe("2027-02");
  });

  it("offers this month and the next eleven", () => {
    const months = monthChoices("2026-12-05");
    expect(months).toHaveLength(12);
    expect(months[0]).toBe("2026-12");
    expect(months[1]).toBe("2027-01");
    expect(months[11]).toBe("2027-11");
  });

  it("names a month and knows one", () => {
    expect(monthLabel("2027-01")).toBe("January 2027");
    expect(isMonth("2027-01")).toBe(true);
    expect(isMonth("2027-13")).toBe(false);
    expect(isMonth("2027-1")).toBe(false);
    expect(isMonth(null)).toBe(false);
  });

  it("takes today in the workspace's zone, not the browser's", () => {
    const lateUtc = new Date("2026-12-31T23:30:00Z");
    expect(todayIn("UTC", lateUtc)).toBe("2026-12-31");
    expect(todayIn("Europe/Berlin", lateUtc)).toBe("2027-01-01");
    expect(todayIn("Not/AZone", lateUtc)).toBe("2026-12-31");
  });
});

describe("writerName", () => {
  it("says which writer wrote a text", () => {
    expect(writerName("offline")).toBe("the offline writer");
    expect(writerName("bedrock:anthropic.claude-3-haiku-20240307-v1:0")).toBe("Amazon Bedrock (anthropic.claude-3-haiku-20240307-v1:0)");
    expect(writerName(null)).toBe("the writer");
  });
});

describe("chips", () => {
  it("splits at commas, trims, and drops repeats ignoring case", () => {
    expect(addChips(["Tips"], " tips, Behind  the scenes,,Events, events ")).toEqual(["Tips", "Behind the scenes", "Events"]);
    expect(addChips([], "   ")).toEqual([]);
  });
});

describe("colours", () => {
  it("normalises hex colours and refuses the rest", () => {
    expect(normaliseColour("#A1B2C3")).toBe("#a1b2c3");
    expect(normaliseColour("abc")).toBe("#aabbcc");
    expect(normaliseColour("red")).toBeNull();
  });

  it("writes black on light swatches and white on dark ones", () => {
    expect(inkOn("#ffffff")).toBe("#000");
    expect(inkOn("#f5d76e")).toBe("#000");
    expect(inkOn("#1d1d29")).toBe("#fff");
    expect(inkOn("#4b3fd6")).toBe("#fff");
  });
});

describe("posting rules", () => {
  it("replaces only the workspace-wide rule, keeping each account's own", () => {
    const own = { account_id: "acc1", per_week: 1, days: ["mon" as const], window: "evening" as const, use_best_times: false };
    const wide = { ...own, account_id: null, per_week: 2 };
    expect(workspaceRule([own])).toMatchObject({ account_id: null, per_week: 3 });
    expect(workspaceRule([own, wide])).toBe(wide);
    const saved = withWorkspaceRule([own, wide], { ...wide, per_week: 5 });
    expect(saved).toEqual([{ ...wide, per_week: 5 }, own]);
  });
});

describe("the grid", () => {
  it("orders items by slot and groups them by day in the zone, undated last", () => {
    const items = [
      item("late", "2027-01-05T23:30:00+00:00"),
      item("none", null),
      item("early", "2027-01-05T08:00:00+00:00"),
      item("next", "2027-01-07T09:00:00-05:00"),
    ];
    const utc = itemsByDay(items, "UTC");
    expect(utc.map((d) => [d.date, d.items.map((i) => i.item_id)])).toEqual([
      ["2027-01-05", ["early", "late"]],
      ["2027-01-07", ["next"]],
      ["", ["none"]],
    ]);
    // 23:30 UTC is already the 6th in Berlin
    expect(itemsByDay(items, "Europe/Berlin").map((d) => d.date)).toEqual(["2027-01-05", "2027-01-06", "2027-01-07", ""]);
  });

  it("counts drafts, scheduled items and captions over their limit", () => {
    const plan = { items: [item("a", null, "draft", [[100, 280], [300, 280]]), item("b", null, "scheduled"), item("c", null, "approved")] };
    expect(planCounts(plan)).toEqual({ total: 3, drafts: 1, waiting: 1, scheduled: 1, tooLong: 1 });
  });

  it("marks a caption near or over its limit", () => {
    expect(fullness({ count: 100, limit: 280 })).toBe("ok");
    expect(fullness({ count: 260, limit: 280 })).toBe("near");
    expect(fullness({ count: 281, limit: 280 })).toBe("over");
  });

  it("adds the hashtags the text does not carry yet", () => {
    expect(captionText({ text: "Fresh bread #sourdough", hashtags: ["sourdough", "#bakery"] })).toBe("Fresh bread #sourdough\n\n#bakery");
    expect(captionText({ text: "Fresh bread", hashtags: [] })).toBe("Fresh bread");
  });

  it("shows progress as a whole percentage, full once ready", () => {
    expect(percent(42.4, "generating")).toBe(42);
    expect(percent(140, "generating")).toBe(100);
    expect(percent(10, "ready")).toBe(100);
  });

  it("puts an answered item into the plan, or takes a whole plan", () => {
    const plan: Plan = { plan_id: "p", month: "2027-01", status: "ready", progress: 100, writer: "offline", items: [item("a", null), item("b", null)] };
    const changed = { ...item("b", null), title: "New title" };
    expect(applyAnswer(plan, changed).items.map((i) => i.title)).toEqual(["Item a", "New title"]);
    const other = { ...plan, items: [] };
    expect(applyAnswer(plan, other)).toBe(other);
  });
});
