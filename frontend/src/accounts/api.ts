// Networks and connected accounts, as the API describes them.
import { useQuery } from "@tanstack/react-query";
import { api } from "../api/client";

export interface Slot {
  weekday: number; // 0 = Monday
  time: string; // HH:MM in the account's time zone
}

export type AccountStatus = "connected" | "expiring" | "needs_reconnect" | "disconnected" | "paused";

export interface Account {
  id: string;
  network: string;
  display_name: string;
  handle: string | null;
  avatar_url: string | null;
  kind: string;
  status: AccountStatus;
  token_expires_at: string | null;
  slots: Slot[];
  timezone: string;
  last_error: string | null;
  scheduled_posts: number;
  /** Whether its posting times were changed from a new account's. */
  custom_slots?: boolean;
}

export interface OfferedIdentity {
  external_id: string;
  kind: string;
  name: string;
  username: string | null;
  avatar_url: string | null;
}

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

export const STATUS_LABELS: Record<AccountStatus, string> = {
  connected: "Connected",
  expiring: "Access expires soon",
  needs_reconnect: "Needs reconnecting",
  disconnected: "Disconnected",
  paused: "Paused: the plan allows fewer accounts",
};

/** Slots sorted by weekday then time, without duplicates. */
export function normaliseSlots(slots: Slot[]): Slot[] {
  const seen = new Set<string>();
  return [...slots]
    .sort((a, b) => a.weekday - b.weekday || a.time.localeCompare(b.time))
    .filter((slot) => {
      const key = `${slot.weekday} ${slot.time}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** A workspace's accounts, read again whenever a page that shows them opens: a teammate
 * (or another tab) may have connected one since, and choosing accounts must not miss it. */
export function useAccounts(workspaceId: string) {
  return useQuery({
    queryKey: ["accounts", workspaceId],
    queryFn: () => api<{ items: Account[] }>(`/v1/workspaces/${workspaceId}/accounts`),
    enabled: Boolean(workspaceId), // a page may ask before it knows its workspace
    refetchOnMount: "always",
  });
}
