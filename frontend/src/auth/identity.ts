// Proving an email address and recovering or changing a password (issue 23).
import { api, CSRF_HEADERS, tokenStore } from "../api/client";
import type { User } from "../api/people";

export interface Sent {
  message: string;
}

export function confirmEmail(token: string): Promise<User> {
  return api<User>("/v1/auth/email-verification/confirm", { method: "POST", body: { token } });
}

export function sendVerification(): Promise<Sent> {
  return api<Sent>("/v1/auth/email-verification", { method: "POST" });
}

export function requestPasswordReset(email: string): Promise<Sent> {
  return api<Sent>("/v1/auth/password-reset", { method: "POST", body: { email } });
}

export function resetPassword(token: string, password: string): Promise<void> {
  return api<void>("/v1/auth/password-reset/confirm", { method: "POST", body: { token, password } });
}

/** Change the password: every other session ends; this one continues on the new tokens
 * (the refresh token arrives as the session cookie). */
export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  const reply = await api<{ access_token: string }>("/v1/auth/password", {
    method: "POST",
    body: { current_password: currentPassword, new_password: newPassword },
    headers: CSRF_HEADERS,
  });
  tokenStore.set({ access_token: reply.access_token });
}

/** One sign-in: the browser (or API client) that made it, where from, when last used. */
export interface Session {
  id: string;
  device: string;
  address: string | null;
  created_at: string;
  last_used_at: string;
  current: boolean;
}

export function listSessions(): Promise<Session[]> {
  return api<{ items: Session[] }>("/v1/auth/sessions").then((reply) => reply.items);
}

/** Sign one session out: its access ends at once, on that device. */
export function endSession(id: string): Promise<void> {
  return api<void>(`/v1/auth/sessions/${encodeURIComponent(id)}`, { method: "DELETE" });
}

/** Sign out every session but this one; how many ended. */
export function endOtherSessions(): Promise<number> {
  return api<{ ended: number }>("/v1/auth/sessions", { method: "DELETE" }).then((reply) => reply.ended);
}

/** Ask to move the account to `newEmail`: a link goes there; nothing changes until it is followed. */
export function requestEmailChange(newEmail: string, password: string): Promise<Sent> {
  return api<Sent>("/v1/auth/email", { method: "POST", body: { new_email: newEmail, password } });
}

export function confirmEmailChange(token: string): Promise<User> {
  return api<User>("/v1/auth/email/confirm", { method: "POST", body: { token } });
}
