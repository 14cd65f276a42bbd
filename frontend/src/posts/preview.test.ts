import { describe, expect, it } from "vitest";
import { cropRatio, entities, firstLink, initials, titleLine, truncate } from "./preview";

describe("previews", () => {
  it("cuts text where the network stops counting", () => {
    const rules = { max_length: 10, counting: "code_points" as const };
    expect(truncate("short", rules)).toEqual({ shown: "short", cut: false });
    expect(truncate("0123456789abc", rules)).toEqual({ shown: "0123456789", cut: true });
  });

  it("counts X's weights: emoji take two of 280", () => {
    const rules = { max_length: 280, counting: "weighted" as const };
    const { shown, cut } = truncate("😀".repeat(150), rules);
    expect(cut).toBe(true);
    expect([...shown].length).toBe(140);
  });

  it("holds an image's shape within the network's aspect bounds", () => {
    expect(cropRatio(1000, 2000, 0.8, 1.91)).toBe(0.8);
    expect(cropRatio(4000, 1000, 0.8, 1.91)).toBe(1.91);
    expect(cropRatio(1200, 1000, 0.8, 1.91)).toBe(1.2);
    expect(cropRatio(1200, 1000)).toBe(1.2);
  });

  it("finds the first link without trailing punctuation", () => {
    expect(firstLink("see https://www.example.com/a/b. and http://x.org")).toEqual({
      url: "https://www.example.com/a/b",
      host: "example.com",
      path: "/a/b",
    });
    expect(firstLink("no links")).toBeNull();
  });
});

describe("preview text", () => {
  it("finds links, hashtags and mentions, leaving the rest as text", () => {
    expect(entities("Hi @demo.bakery, #spring sale at https://shop.test/sale. @a@mastodon.social")).toEqual([
      { kind: "text", value: "Hi " },
      { kind: "mention", value: "@demo.bakery" },
      { kind: "text", value: ", " },
      { kind: "tag", value: "#spring" },
      { kind: "text", value: " sale at " },
      { kind: "link", value: "https://shop.test/sale" },
      { kind: "text", value: ". " },
      { kind: "mention", value: "@a@mastodon.social" },
    ]);
    expect(entities("mail me at ann@shop.test or see #1")).toEqual([
      { kind: "text", value: "mail me at ann@shop.test or see " },
      { kind: "tag", value: "#1" },
    ]);
    expect(entities("")).toEqual([]);
  });

  it("gives initials and a title line", () => {
    expect(initials("Demo Bakery")).toBe("DB");
    expect(initials("@demo_bakery")).toBe("DB");
    expect(initials("Émile")).toBe("É");
    expect(initials("")).toBe("?");
    expect(titleLine("Spring sale\nEverything 20% off")).toBe("Spring sale");
    expect(titleLine("a".repeat(120), 10)).toBe(`${"a".repeat(9)}…`);
  });
});
