// Email preferences (issue 23): GET/PUT /v1/workspaces/{ws}/notification-preferences,
// one-click unsubscribe links, and whether the user's address stopped receiving email.
import { api } from "../api/client";

export type Digest = "daily" | "weekly" | "off";
export type Category = "failures" | "connections" | "approvals" | "security";

export interface Preferences {
  immediate: Record<Category, boolean>;
  digest: Digest;
  timezone: string | null;
  effective_timezone: string;
  next_digest_at: string | null;
  security_locked: boolean;
}

export interface EmailStatus {
  email: string | null;
  suppressed: boolean;
  reason: "bounce" | "complaint" | null;
  since: string | null;
  message: string | null;
}

export interface UnsubscribeDetails {
  category: "failures" | "connections" | "approvals" | "digest";
  workspace: string;
  email: string | null;
  subscribed: boolean;
}

export const CATEGORY_LABELS: Record<Category | "digest", { title: string; hint: string }> = {
  failures: { title: "Failed posts", hint: "A post did not go out, or a webhook endpoint was turned off." },
  connections: { title: "Expiring or broken connections", hint: "An account needs reconnecting, or its access ends soon." },
  approvals: { title: "Approvals and mentions", hint: "A post waits for your approval, was approved or rejected, or you were mentioned." },
  security: { title: "Security", hint: "Sign-ins, password and email changes. These cannot be turned off." },
  digest: { title: "The digest", hint: "" },
};

export const preferencesPath = (workspaceId: string) => `/v1/workspaces/${workspaceId}/notification-preferences`;

export function unsubscribeDetails(token: string) {
  return api<UnsubscribeDetails>(`/v1/email/unsubscribe/details?token=${encodeURIComponent(token)}`);
}

export function unsubscribe(token: string) {
  return api<{ category: string; workspace: string }>(`/v1/email/unsubscribe?token=${encodeURIComponent(token)}`, {
    method: "POST",
    body: {},
  });
}
