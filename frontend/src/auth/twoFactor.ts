// Two-factor sign-in with an authenticator app (issue 23).
import { api, CSRF_HEADERS, tokenStore } from "../api/client";

export interface TwoFactorStatus {
  enabled: boolean;
  enabled_at: string | null;
  recovery_codes_left: number;
  enrolling: boolean;
}

export interface Enrolment {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export function twoFactorStatus(): Promise<TwoFactorStatus> {
  return api<TwoFactorStatus>("/v1/auth/2fa");
}

export function startEnrolment(): Promise<Enrolment> {
  return api<Enrolment>("/v1/auth/2fa/enrol", { method: "POST" });
}

export function confirmEnrolment(code: string): Promise<string[]> {
  return api<{ recovery_codes: string[] }>("/v1/auth/2fa/confirm", { method: "POST", body: { code } }).then((r) => r.recovery_codes);
}

export function turnOff(code: string): Promise<void> {
  return api<void>("/v1/auth/2fa/disable", { method: "POST", body: { code } });
}

/** The second step of signing in: the challenge the password (or Google) earned, and a code. */
export async function answerChallenge(challenge: string, code: string): Promise<void> {
  const reply = await api<{ access_token: string }>("/v1/auth/2fa/verify", {
    method: "POST",
    body: { challenge, code },
    headers: CSRF_HEADERS,
  });
  tokenStore.set({ access_token: reply.access_token });
}

export function requireTwoFactor(workspaceId: string, required: boolean): Promise<{ required: boolean }> {
  return api(`/v1/workspaces/${encodeURIComponent(workspaceId)}/two-factor`, { method: "PUT", body: { required } });
}
