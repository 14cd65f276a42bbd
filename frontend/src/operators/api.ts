// The operators' console (API.md "admin"): types and calls, operators only.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";

export interface TenantSummary {
  id: string;
  name: string;
  created_at: string;
  suspended: boolean;
}

export interface Tenant {
  id: string;
  name: string;
  timezone: string;
  created_at: string;
  plan: string;
  billing_status: string | null;
  trial_ends_at: string | null;
  suspended: { reason: string; at: string; by?: string | null } | null;
  support_access_until: string | null;
  content_shown: boolean;
  feature_flags: Record<string, boolean>;
  beta_features: string[];
  members: { user_id: string; email: string; name: string; role: string; joined_at: string }[];
  accounts: {
    id: string;
    network: string;
    display_name: string;
    handle: string | null;
    status: string;
    last_error: string | null;
    token_expires_at: string | null;
  }[];
  counts: { scheduled: number; published: number; failed: number };
  recent_failures: {
    post_id: string;
    target_id: string;
    account_id: string;
    network: string;
    kind: string;
    at: string | null;
    reason: string | null;
  }[];
  recent_posts: {
    post_id: string;
    status: string;
    scheduled_at: string | null;
    networks: string[];
    media_count: number;
    text: string | null;
  }[];
}

export function useTenantSearch(q: string | null) {
  return useQuery({
    queryKey: ["admin", "workspaces", q],
    queryFn: () => api<{ items: TenantSummary[] }>(`/v1/admin/workspaces?q=${encodeURIComponent(q ?? "")}`),
    enabled: q !== null,
  });
}

export function useTenant(id: string | undefined) {
  return useQuery({
    queryKey: ["admin", "workspace", id],
    queryFn: () => api<Tenant>(`/v1/admin/workspaces/${id}`),
    enabled: !!id,
  });
}

export interface OperatorEvent {
  at: string;
  action: string;
  operator_id: string | null;
  workspace_id: string | null;
  details: Record<string, unknown>;
}

/** The operators' log; `after` (a search's answer time) reads it again once a search is logged. */
export function useOperatorLog(after = 0) {
  return useQuery({
    queryKey: ["admin", "log", after],
    queryFn: () => api<{ items: OperatorEvent[]; next_cursor: string | null }>("/v1/admin/log?limit=20"),
  });
}

export type TenantAction =
  | { kind: "suspend" | "unsuspend"; reason: string }
  | { kind: "reconnect"; accountId: string; reason: string }
  | { kind: "flags"; flags: Record<string, boolean> }
  | { kind: "trial"; days: number; reason: string };

export function runTenantAction(id: string, action: TenantAction): Promise<Tenant> {
  const base = `/v1/admin/workspaces/${id}`;
  switch (action.kind) {
    case "suspend":
    case "unsuspend":
      return api<Tenant>(`${base}/${action.kind}`, { method: "POST", body: { reason: action.reason } });
    case "reconnect":
      return api<Tenant>(`${base}/accounts/${action.accountId}/force-reconnect`, {
        method: "POST",
        body: { reason: action.reason },
      });
    case "flags":
      return api<Tenant>(`${base}/feature-flags`, { method: "PUT", body: { flags: action.flags } });
    case "trial":
      return api<Tenant>(`${base}/extend-trial`, { method: "POST", body: { days: action.days, reason: action.reason } });
  }
}

/** A UTC ISO time as the reader's local date and time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export interface HealthWindow {
  attempts: number;
  published: number;
  retried: number;
  failed: number;
  unconfirmed: number;
  success_rate: number | null;
  failure_kinds: Record<string, number>;
  lateness_p50_seconds: number | null;
  lateness_p99_seconds: number | null;
}

export interface Health {
  generated_at: string;
  networks: { network: string; name: string; hour: HealthWindow; day: HealthWindow }[];
  queues: { name: string; label: string; visible: number | null; in_flight: number | null; delayed: number | null; error: string | null }[];
  collection: { due: number; oldest_due_at: string | null };
  sweeper: {
    at: string;
    counts: Record<string, number>;
    acted_on: { workspace_id: string; post_id: string; action: string }[];
    /** Over the alarms' thresholds at that run: failure rate by network, p99 lateness (s). */
    networks_failing?: Record<string, number>;
    networks_late?: Record<string, number>;
  } | null;
}

/** Publishing's health (GET /v1/admin/health), read again every 5 minutes while the page
 * is in view (a read is ~1,440 small items: a day of 10-minute buckets of ten networks). */
export function useHealth() {
  return useQuery({
    queryKey: ["admin", "health"],
    queryFn: () => api<Health>("/v1/admin/health"),
    refetchInterval: 300_000,
    refetchIntervalInBackground: false,
  });
}
