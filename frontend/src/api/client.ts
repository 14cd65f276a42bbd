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
  refresh_token: string;
}

const TOKENS_KEY = "schedulo.tokens";

export const tokenStore = {
  get(): Tokens | null {
    const raw = localStorage.getItem(TOKENS_KEY);
    return raw ? (JSON.parse(raw) as Tokens) : null;
  },
  set(tokens: Tokens | null): void {
    if (tokens) localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
    else localStorage.removeItem(TOKENS_KEY);
    window.dispatchEvent(new Event("schedulo:auth"));
  },
};

async function toError(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    const e = body.error ?? {};
    return new ApiError(response.status, e.code ?? "error", e.message ?? response.statusText, e.details ?? [], e.request_id ?? "");
  } catch {
    return new ApiError(response.status, "error", response.statusText);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Run `work` while holding a lock shared by every tab of the app (where supported). */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  return locks?.request ? (locks.request("schedulo.refresh", work) as Promise<T>) : work();
}

/**
 * Trade the refresh token for a new pair once, however many requests hit a 401 at once.
 * Refresh tokens rotate and a reused one ends the session, so tabs take turns, and a tab
 * whose tokens another tab already refreshed just uses the new ones.
 */
async function refreshTokens(used: Tokens): Promise<boolean> {
  refreshing ??= acrossTabs(async () => {
    const current = tokenStore.get();
    if (!current) return false;
    if (current.refresh_token !== used.refresh_token) return true;
    const r = await fetch("/v1/auth/refresh", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ refresh_token: current.refresh_token }),
    });
    if (!r.ok) {
      tokenStore.set(null);
      return false;
    }
    const body = await r.json();
    tokenStore.set({ access_token: body.access_token, refresh_token: body.refresh_token });
    return true;
  }).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  raw?: BodyInit;
}

export async function api<T>(path: string, options: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { ...options.headers };
  const tokens = tokenStore.get();
  if (tokens) headers.Authorization = `Bearer ${tokens.access_token}`;
  let body: BodyInit | undefined = options.raw;
  if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  const response = await fetch(path, { method: options.method ?? "GET", headers, body });
  if (response.status === 401 && tokens && !retried && !path.startsWith("/v1/auth/")) {
    if (await refreshTokens(tokens)) return api<T>(path, options, true);
  }
  if (!response.ok) throw await toError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
