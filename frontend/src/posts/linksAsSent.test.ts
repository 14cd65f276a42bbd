import { describe, expect, it } from "vitest";
import { count } from "./counting";
import { linksAsSent, tagLink, trackingOf, type SendingLinks } from "./linksAsSent";

const TAGGING: SendingLinks = { enabled: true, medium: "social", campaign: "spring", shorten: false, shortBase: "https://s.example/l" };
const SHORTENING: SendingLinks = { ...TAGGING, shorten: true };

// The same cases as chalicelib/domain/utm.py and tests/publishing: what the API sends.
describe("linksAsSent", () => {
  it("tags each link for the network, keeping the punctuation after it", () => {
    expect(linksAsSent("See example.com/shop!", "x", TAGGING)).toBe("See example.com/shop?utm_source=x&utm_medium=social&utm_campaign=spring!");
    expect(linksAsSent("a https://s.io/p?id=1#top b", "linkedin", TAGGING)).toBe(
      "a https://s.io/p?id=1&utm_source=linkedin&utm_medium=social&utm_campaign=spring#top b",
    );
  });

  it("tags as tests/unit/test_utm.py says the server does", () => {
    const spring: SendingLinks = { ...TAGGING, campaign: "spring-sale" };
    const tags = "utm_source=linkedin&utm_medium=social&utm_campaign=spring-sale";
    expect(linksAsSent("https://example.com/a?ref=1#top and example.org.", "linkedin", spring)).toBe(
      `https://example.com/a?ref=1&${tags}#top and example.org?${tags}.`,
    );
    expect(linksAsSent("No links, #tags and @people", "linkedin", spring)).toBe("No links, #tags and @people");
  });

  it("leaves t.co links and links that already carry UTM tags as written", () => {
    const text = "https://t.co/abc and https://shop.example.com/?utm_source=newsletter";
    expect(linksAsSent(text, "x", TAGGING)).toBe(text);
  });

  it("replaces each link by a short link of the code's fixed length", () => {
    const sent = linksAsSent("Sale: https://shop.example.com/a/long/path?ref=1 now", "bluesky", SHORTENING);
    expect(sent).toBe("Sale: https://s.example/l/00000000 now");
    // Shortening without tags, and never a link that is already short.
    expect(linksAsSent("https://s.example/l/Ab12Cd34", "x", { ...SHORTENING, enabled: false })).toBe("https://s.example/l/Ab12Cd34");
  });

  it("is off when the workspace tracks nothing", () => {
    expect(trackingOf({ link_tracking: { enabled: false, medium: "social", campaign: null } })).toBeNull();
    expect(trackingOf({ link_tracking: { enabled: false, medium: "social", campaign: null, shorten: true }, short_link_base: "https://s.example/l" })).toEqual({
      enabled: false,
      medium: "social",
      campaign: null,
      shorten: true,
      shortBase: "https://s.example/l",
    });
    expect(linksAsSent("example.com", "x", null)).toBe("example.com");
  });

  it("counts a text that fits only as written past the network's limit", () => {
    const text = `${"a".repeat(270)} https://shop.example.com/sale`;
    const bluesky = { counting: "graphemes" as const };
    expect(count(text, bluesky)).toBe(300);
    expect(count(linksAsSent(text, "bluesky", TAGGING), bluesky)).toBe(300 + "?utm_source=bluesky&utm_medium=social&utm_campaign=spring".length);
    // Shortened, the same text fits again (https://s.example/l/ + 8 = 28 against 29).
    expect(count(linksAsSent(text, "bluesky", SHORTENING), bluesky)).toBe(299);
  });

  it("tags as the server's tag_link does", () => {
    expect(tagLink("example.com/a#", "x", TAGGING)).toBe("example.com/a?utm_source=x&utm_medium=social&utm_campaign=spring");
    expect(tagLink("example.com", "x", { ...TAGGING, campaign: null })).toBe("example.com?utm_source=x&utm_medium=social");
  });
});
