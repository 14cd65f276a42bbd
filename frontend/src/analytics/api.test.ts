import { afterEach, describe, expect, it, vi } from "vitest";
import { analyticsPath, attachmentName, download } from "./api";

afterEach(() => vi.restoreAllMocks());

describe("analyticsPath", () => {
  it("repeats a list parameter and leaves out empty ones", () => {
    expect(analyticsPath("w_1", "next-slots", { account_id: ["a", "b"], count: "3", network: "" })).toBe(
      "/v1/workspaces/w_1/analytics/next-slots?account_id=a&account_id=b&count=3",
    );
    expect(analyticsPath("w_1", "summary")).toBe("/v1/workspaces/w_1/analytics/summary");
  });
});

describe("downloads", () => {
  it("saves the file under the server's name", async () => {
    expect(attachmentName('attachment; filename="analytics-2030-01-01.csv"', "x.csv")).toBe("analytics-2030-01-01.csv");
    expect(attachmentName("attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", "x.pdf")).toBe("résumé.pdf");
    expect(attachmentName(null, "x.pdf")).toBe("x.pdf");

    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      new Response("a,b\n", { headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="report.csv"' } }),
    );
    const created = vi.fn(() => "blob:report");
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      expect(this.download).toBe("report.csv");
      expect(this.href).toBe("blob:report");
    });
    await expect(download("/v1/workspaces/w_1/analytics/export.csv", "fallback.csv")).resolves.toBe("report.csv");
    expect(clicked).toHaveBeenCalledOnce();
  });

  it("fails with the API's message", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      new Response(JSON.stringify({ error: { code: "validation", message: "to: at most 400 days" } }), { status: 422 }),
    );
    await expect(download("/v1/x", "x.csv")).rejects.toThrow("to: at most 400 days");
  });
});
