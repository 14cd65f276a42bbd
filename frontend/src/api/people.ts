// Types and calls of the auth and workspace endpoints (API.md "Auth and workspaces").
import { useQuery } from "@tanstack/react-query";
import { api, ApiError, CSRF_HEADERS, restoreSession, tokenStore, type Tokens } from "./client";

export type Role = "owner" | "admin" | "editor" | "viewer";
export const ROLES: Role[] = ["owner", "admin", "editor", "viewer"];
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

/** Whether `role` may do what `needed` is required for (owner > admin > editor > viewer). */
export function roleAllows(role: Role | null | undefined, needed: Role): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

export interface User {
  id: string;
  email: string;
  name: string;
  created_at: string;
  email_verified?: boolean;
  two_factor_enabled?: boolean;
}

export interface Workspace {
  id: string;
  name: string;
  timezone: string;
  created_at: string;
  role: Role | null;
  /** Set while the deployment's operators suspend the workspace. */
  suspended?: { reason: string; at: string } | null;
  /** Until when Schedulo support may read the workspace's posts (granted by an admin). */
  support_access_until?: string | null;
  /** UTM tags added to the links of its posts (utm_source is the network), and short links. */
  link_tracking?: LinkTracking;
  /** What a short link's 8-character code follows (the deployment's setting). */
  short_link_base?: string;
  /** Members must have two-factor sign-in on to use it (403 two_factor_required otherwise). */
  two_factor_required?: boolean;
}

export interface LinkTracking {
  enabled: boolean;
  medium: string;
  campaign: string | null;
  /** Each link replaced by a short link of the workspace's own that counts its clicks. */
  shorten?: boolean;
}

export interface Me {
  user: User;
  workspaces: Workspace[];
  /** Whether the user runs this deployment (the operators' console). */
  operator?: boolean;
}

export interface Member {
  user_id: string;
  email: string;
  name: string;
  role: Role;
  joined_at: string;
}

export interface Invitation {
  id: string;
  email: string;
  role: Role;
  status: "pending" | "accepted" | "revoked" | "expired";
  invited_by: string;
  created_at: string;
  expires_at: string;
}

export interface InvitationPreview {
  workspace_name: string;
  email: string;
  role: Role;
  invited_by_name: string;
  status: Invitation["status"];
  expires_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  expires_at?: string | null;
}

export interface AuditEvent {
  id: string;
  action: string;
  actor: string | null;
  target: string | null;
  details: Record<string, unknown>;
  at: string;
  /** Who `actor` is, in words (a person's name, an API key's name). */
  actor_name?: string | null;
  /** The person `target` names, when it is one. */
  target_name?: string | null;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

interface TokenReply extends Tokens {
  expires_in: number;
}

// The web app's sign-in: the API sets the refresh token as an HttpOnly cookie (the CSRF
// header asks for it) and the body carries only the access token, kept in memory.
/** Sign-up from the web app answers the same whether or not the address has an account
 * (its owner is emailed instead; the CSRF header asks for that answer), and signs nobody
 * in: the person confirms the address, then signs in. */
export function signUp(body: { email: string; password: string; name: string; timezone: string }): Promise<{ message: string }> {
  return api<{ message: string }>("/v1/auth/signup", { method: "POST", body, headers: CSRF_HEADERS });
}

/** Signed in; or, with two-factor sign-in on, the challenge a code must answer (auth/twoFactor.ts). */
export async function signIn(body: { email: string; password: string }): Promise<{ challenge: string | null }> {
  const reply = await api<TokenReply & { two_factor_required?: boolean; challenge?: string | null }>("/v1/auth/login", {
    method: "POST",
    body,
    headers: CSRF_HEADERS,
  });
  if (reply.two_factor_required && reply.challenge) return { challenge: reply.challenge };
  tokenStore.set({ access_token: reply.access_token });
  return { challenge: null };
}

/** End the session on the server too (it clears the cookie); signed out locally whatever the server says. */
export async function signOut() {
  try {
    await api("/v1/auth/logout", { method: "POST", body: {}, headers: CSRF_HEADERS });
  } finally {
    tokenStore.set(null);
  }
}

/**
 * Sign out on every device: the API ends every session and every access token of the
 * user (this one too). An expired access token is refreshed once first. Signed out here
 * only once the server has done it, so a failure can be shown and tried again.
 */
export async function signOutEverywhere() {
  const call = () => api("/v1/auth/sign-out-everywhere", { method: "POST" });
  try {
    await call();
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401 && (await restoreSession()))) throw e;
    await call();
  }
  tokenStore.set(null);
}

/** The browser's IANA time zone, the default for new accounts and workspaces. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** IANA time zone names the browser knows, for pickers. */
export function timeZoneNames(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (key: string) => string[] }).supportedValuesOf;
  const names = supported ? supported("timeZone") : [];
  return names.includes("UTC") ? names : ["UTC", ...names];
}

/** A workspace's members. Names for display may be a minute old; `fresh` reads them again
 * whenever the page opens (the Members page: someone may have joined since). */
export function useMembers(workspaceId: string, { fresh = false } = {}) {
  return useQuery({
    queryKey: ["members", workspaceId],
    queryFn: () => api<Page<Member>>(`/v1/workspaces/${workspaceId}/members`),
    ...(fresh ? { refetchOnMount: "always" as const } : { staleTime: 60_000 }),
  });
}
