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
