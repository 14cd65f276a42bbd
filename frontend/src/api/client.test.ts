import { afterEach, describe, expect, it, vi } from "vitest";
import { api, ApiError, restoreSession, tokenStore } from "./client";

function reply(status: number, body: unknown) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.restoreAllMocks();
  tokenStore.set(null);
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

  it("says what API Gateway's own answers mean, which are not in the API's error format", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch");
    fetchMock.mockResolvedValueOnce(reply(429, { message: "Too Many Requests" }));
    const throttled = (await api("/v1/x").catch((e: unknown) => e)) as ApiError;
    expect([throttled.status, throttled.code]).toEqual([429, "rate_limited"]);
    expect(throttled.message).toMatch(/try again/);
    fetchMock.mockResolvedValueOnce(new Response("", { status: 413 }));
    const large = (await api("/v1/x", { method: "POST", body: "x" }).catch((e: unknown) => e)) as ApiError;
    expect([large.code, large.message]).toEqual(["payload_too_large", "That is too large to send: 10 MB at most."]);
    fetchMock.mockResolvedValueOnce(reply(418, { message: "teapot" }));
    const other = (await api("/v1/x").catch((e: unknown) => e)) as ApiError;
    expect(other.message).toBe("The request failed (418).");
  });

  it("refreshes an expired access token from the session cookie once and retries", async () => {
    tokenStore.set({ access_token: "old" });
    const fetchMock = vi
      .spyOn(globalThis, "fetch")
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "expired" } }))
      .mockResolvedValueOnce(reply(200, { access_token: "new", refresh_token: null }))
      .mockResolvedValueOnce(reply(200, { ok: true }));
    expect(await api("/v1/me")).toEqual({ ok: true });
    expect(tokenStore.get()?.access_token).toBe("new");
    const [path, refresh] = fetchMock.mock.calls[1] as [string, RequestInit];
    expect(path).toBe("/v1/auth/refresh");
    expect(refresh.body).toBe("{}");
    expect(refresh.credentials).toBe("same-origin");
    expect(refresh.keepalive).toBe(true); // a reload does not lose the rotated cookie
    expect((refresh.headers as Record<string, string>)["X-Schedulo-CSRF"]).toBe("1");
    const retried = fetchMock.mock.calls[2][1] as RequestInit;
    expect((retried.headers as Record<string, string>).Authorization).toBe("Bearer new");
  });

  it("refreshes once for many requests refused at the same time", async () => {
    tokenStore.set({ access_token: "old" });
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      if (String(input) === "/v1/auth/refresh") return reply(200, { access_token: "new", refresh_token: null });
      const auth = (init?.headers as Record<string, string>).Authorization;
      return auth === "Bearer new" ? reply(200, { ok: true }) : reply(401, { error: { code: "unauthorized", message: "expired" } });
    });
    expect(await Promise.all([api("/v1/a"), api("/v1/b"), api("/v1/c")])).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(fetchMock.mock.calls.filter(([input]) => String(input) === "/v1/auth/refresh")).toHaveLength(1);
  });

  it("signs out when the session cookie is refused", async () => {
    tokenStore.set({ access_token: "old" });
    vi.spyOn(globalThis, "fetch")
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "expired" } }))
      .mockResolvedValueOnce(reply(401, { error: { code: "unauthorized", message: "reused" } }));
    const error = (await api("/v1/me").catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(401);
    expect(tokenStore.get()).toBeNull();
    expect(tokenStore.status()).toBe("signed-out");
  });

  it("restores a session after a reload from the cookie, and keeps no token in storage", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(reply(200, { access_token: "from-cookie", refresh_token: null }));
    expect(await restoreSession()).toBe(true);
    expect(tokenStore.status()).toBe("signed-in");
    expect(tokenStore.get()?.access_token).toBe("from-cookie");
    expect(JSON.stringify({ ...localStorage })).not.toContain("from-cookie");
    expect(JSON.stringify({ ...sessionStorage })).not.toContain("from-cookie");
  });

  it("is signed out after a reload when the browser has no session (204)", async () => {
    vi.spyOn(globalThis, "fetch").mockResolvedValueOnce(new Response(null, { status: 204 }));
    expect(await restoreSession()).toBe(false);
    expect(tokenStore.status()).toBe("signed-out");
  });
});
