import { describe, expect, it } from "vitest";
import { checklistHidden, hideChecklist, plural, progressText, setupSteps } from "./checklist";

describe("setupSteps", () => {
  it("ticks each step from the workspace's data", () => {
    const fresh = setupSteps({ accounts: 0, customSlots: false, posts: 0, teammates: 0 });
    expect(fresh.map((s) => s.done)).toEqual([false, false, false, false]);
    expect(progressText(fresh)).toBe("0 of 4 done");
    const some = setupSteps({ accounts: 1, customSlots: false, posts: 3, teammates: 0 });
    expect(some.filter((s) => s.done).map((s) => s.id)).toEqual(["connect", "post"]);
    expect(progressText(some)).toBe("2 of 4 done");
  });

  it("links every step to where it is done", () => {
    const steps = setupSteps({ accounts: 0, customSlots: false, posts: 0, teammates: 0 });
    expect(steps.map((s) => s.to)).toEqual(["/accounts", "/queue", "/compose", "/settings/members"]);
  });
});

describe("hiding the checklist", () => {
  it("is remembered per workspace", () => {
    const kept = new Map<string, string>();
    const storage = { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => void kept.set(k, v) };
    expect(checklistHidden("w_1", storage)).toBe(false);
    hideChecklist("w_1", storage);
    expect(checklistHidden("w_1", storage)).toBe(true);
    expect(checklistHidden("w_2", storage)).toBe(false);
  });

  it("shows the list when storage is refused", () => {
    const refusing = { getItem: () => { throw new Error("denied"); } };
    expect(checklistHidden("w_1", refusing)).toBe(false);
  });
});

describe("plural", () => {
  it("says 1 row and 2 rows", () => {
    expect(plural(1, "row")).toBe("1 row");
    expect(plural(2, "row")).toBe("2 rows");
    expect(plural(0, "entry", "entries")).toBe("0 entries");
  });
});
