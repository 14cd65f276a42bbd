import { describe, expect, it } from "vitest";
import { localDayStart, postListQuery, type PostFilters } from "./postList";

const NONE: PostFilters = { q: "", status: "", account: "", network: "", from: "", to: "" };
const NOW = new Date(2026, 11, 7, 15, 30); // 7 Dec 2026, 15:30 local

function params(filters: Partial<PostFilters>, now = NOW) {
  return Object.fromEntries(new URLSearchParams(postListQuery({ ...NONE, ...filters }, now)));
}

describe("the posts list's query", () => {
  it("starts 30 days back by default, the same all day long", () => {
    expect(params({})).toEqual({ from: localDayStart("2026-11-07"), limit: "50" });
    expect(postListQuery(NONE, new Date(2026, 11, 7, 23, 59))).toBe(postListQuery(NONE, NOW));
  });

  it("sends the search, account, network, statuses and local days as the API's parameters", () => {
    const sent = params({ q: "  fresh bread ", status: "failed", account: "a_1", network: "x", from: "2026-12-01", to: "2026-12-31" });
    expect(sent).toEqual({
      q: "fresh bread",
      status: "failed,partially_published",
      account_id: "a_1",
      network: "x",
      from: localDayStart("2026-12-01"),
      to: localDayStart("2027-01-01"),
      limit: "50",
    });
    expect(localDayStart("2026-12-31", true)).toBe(localDayStart("2027-01-01"));
  });

  it("asks for drafts without dates", () => {
    expect(params({ status: "draft", from: "2026-12-01", q: "idea" })).toEqual({ status: "draft", q: "idea", limit: "50" });
  });
});
