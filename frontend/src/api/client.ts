// The one way the web app talks to the API: JSON, bearer tokens, the API's error format.

export interface ProblemDetail {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ProblemDetail[] = [],
    readonly requestId = "",
  ) {
    super(message);
  }

  /** The message for one field, to show next to it. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

export interface Tokens {
  access_token: string;
}

/** Where a page stands: finding out (the first refresh), signed in, or signed out. */
export type SessionStatus = "checking" | "signed-in" | "signed-out";

/** The header the API demands where it reads the session cookie (CSRF protection). */
export const CSRF_HEADERS: Record<string, string> = { "X-Schedulo-CSRF": "1" };

let accessToken: string | null = null;
let status: SessionStatus = "checking";

/**
 * The access token, in this page's memory only. The refresh token is an HttpOnly cookie
 * the browser sends to /v1/auth/refresh and /v1/auth/logout and no script can read; a
 * reload asks /v1/auth/refresh for a new access token (`restoreSession`).
 */
export const tokenStore = {
  get(): Tokens | null {
    return accessToken ? { access_token: accessToken } : null;
  },
  status(): SessionStatus {
    return status;
  },
  set(tokens: Tokens | null): void {
    accessToken = tokens?.access_token ?? null;
    status = accessToken ? "signed-in" : "signed-out";
    window.dispatchEvent(new Event("schedulo:auth"));
  },
};

/**
 * What API Gateway answers itself (over 10 MB, over the API's throttle, the function
 * failing) is `{"message": ...}` or nothing, not the API's error format, and over HTTP/2
 * a response has no status text: these say what happened in the API's terms.
 */
const GATEWAY_ANSWERS: Record<number, [code: string, message: string]> = {
  413: ["payload_too_large", "That is too large to send: 10 MB at most."],
  429: ["rate_limited", "Too many requests at once; try again in a moment."],
  500: ["internal_error", "Schedulo could not answer; try again in a moment."],
  502: ["internal_error", "Schedulo could not answer; try again in a moment."],
  503: ["internal_error", "Schedulo is busy; try again in a moment."],
  504: ["internal_error", "Schedulo took too long to answer; try again."],
};

function gatewayError(response: Response): ApiError {
  const [code, message] = GATEWAY_ANSWERS[response.status] ?? ["error", response.statusText || `The request failed (${response.status}).`];
  return new ApiError(response.status, code, message);
}

async function toError(response: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: ProblemDetail[]; request_id?: string } };
  try {
    body = await response.json();
  } catch {
    return gatewayError(response);
  }
  const e = body?.error;
  if (!e) return gatewayError(response);
  const fallback = gatewayError(response);
  return new ApiError(response.status, e.code ?? fallback.code, e.message ?? fallback.message, e.details ?? [], e.request_id ?? "");
}

let refreshing: Promise<boolean> | null = null;

/** Run `work` while holding a lock shared by every tab of the app (where supported). */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks?.request ? (locks.request("schedulo.refresh", work) as Promise<T>) : work();
}

/**
 * Trade the session cookie for a new access token once, however many requests hit a 401
 * at once. The cookie's refresh token rotates and a reused one ends the session, so tabs
 * take turns; a request whose token was already replaced just uses the new one.
 */
async function refreshTokens(used: string | null): Promise<boolean> {
  if (used !== null && accessToken !== null && accessToken !== used) return true;
  refreshing ??= acrossTabs(async () => {
    let token: string | null = null;
    try {
      // keepalive: a reload or a navigation does not cancel the refresh, so the browser
      // still stores the rotated cookie (the old one, spent, would end the session).
      const r = await fetch("/v1/auth/refresh", {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "Content-Type": "application/json", ...CSRF_HEADERS },
        body: "{}",
      });
      if (r.status === 200) token = ((await r.json()) as Tokens).access_token;
    } catch {
      token = null;
    }
    tokenStore.set(token ? { access_token: token } : null);
    return token !== null;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** On page load: an access token from the session cookie, if this browser has a session. */
export function restoreSession(): Promise<boolean> {
  return refreshTokens(null);
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: BodyInit;
}

export async function api<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  const token = accessToken;
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method: options.method ?? "GET", headers, body, credentials: "same-origin" });
  if (response.status === 401 && token && !retried && !path.startsWith("/v1/auth/")) {
    if (await refreshTokens(token)) return api<T>(path, options, true);
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
