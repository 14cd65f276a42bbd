import { afterEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, tokenStore } from "./client";

function reply(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.restoreAllMocks();
  localStorage.clear();
});

describe("api", () => {
  it("turns the API's error format into an ApiError naming each field", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValue(
      reply(422, { error: { code: "validation_error", message: "bad", details: [{ field: "email", message: "not an email" }], request_id: "r1" } }),
    );
    const error = (await api("/v1/x").catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(422);
    expect(error.fieldMessage("email")).toBe("not an email");
    expect(error.requestId).toBe("r1");
  });

  it("refreshes an expired access token once and retries", async () => {
    tokenStore.set({ access_token: "old", refresh_token: "r-old" });
    const fetchMock = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "expired" } }))
      .mockResolvedValueOnce(reply(200, { access_token: "new", refresh_token: "r-new" }))
      .mockResolvedValueOnce(reply(200, { ok: true }));
    expect(await api("/v1/me")).toEqual({ ok: true });
    expect(tokenStore.get()?.access_token).toBe("new");
    const retried = fetchMock.mock.calls[2][1] as RequestInit;
    expect((retried.headers as Record<string, string>).Authorization).toBe("Bearer new");
  });

  it("uses tokens another tab already refreshed instead of spending the refresh token again", async () => {
    tokenStore.set({ access_token: "old", refresh_token: "r-old" });
    const fetchMock = vi
      .spyOn(globalThis, "fetch")
      .mockImplementationOnce(async () => {
        tokenStore.set({ access_token: "fresh", refresh_token: "r-fresh" }); // the other tab
        return reply(401, { error: { code: "unauthorized", message: "expired" } });
      })
      .mockResolvedValueOnce(reply(200, { ok: true }));
    expect(await api("/v1/me")).toEqual({ ok: true });
    expect(fetchMock).toHaveBeenCalledTimes(2);
    const retried = fetchMock.mock.calls[1][1] as RequestInit;
    expect((retried.headers as Record<string, string>).Authorization).toBe("Bearer fresh");
  });

  it("signs out when the refresh token is refused", async () => {
    tokenStore.set({ access_token: "old", refresh_token: "r-old" });
    vi.spyOn(globalThis, "fetch")
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "expired" } }))
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "reused" } }));
    const error = (await api("/v1/me").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(tokenStore.get()).toBeNull();
  });
});
