/** Outgoing webhooks: the shapes of /v1/workspaces/{ws}/webhooks and /v1/webhook-event-types. */

export interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  active: boolean;
  disabled_reason: string | null;
  failing_since: string | null;
  last_success_at: string | null;
  previous_secret_until: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhookCreated extends Webhook {
  secret: string;
}

export interface SecretRotated {
  id: string;
  secret: string;
  previous_secret_until: string;
}

export interface EventType {
  type: string;
  description: string;
  sent: boolean;
}

export type DeliveryState = "pending" | "retrying" | "succeeded" | "failed";

export interface Attempt {
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  webhook_id: string;
  message_id: string;
  event_type: string;
  state: DeliveryState;
  attempts: number;
  status_code: number | null;
  latency_ms: number | null;
  response_excerpt: string | null;
  error: string | null;
  created_at: string;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  history: Attempt[];
  payload: string;
}

export interface Queued {
  delivery_ids: string[];
}

/** The event types grouped as the page shows them: by what they are about. */
export function groupEvents(types: EventType[]): [string, EventType[]][] {
  const labels: Record<string, string> = {
    post: "Posts",
    account: "Accounts",
    import: "Bulk imports",
    billing: "Billing",
    webhook: "Testing",
  };
  const groups = new Map<string, EventType[]>();
  for (const type of types) {
    const label = labels[type.type.split(".")[0]] ?? "Other";
    groups.set(label, [...(groups.get(label) ?? []), type]);
  }
  return [...groups.entries()];
}
