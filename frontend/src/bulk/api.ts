// Bulk import (API.md "Bulk import"): types and calls.
import { api } from "../api/client";

export type ImportStatus = "validating" | "ready" | "invalid" | "committing" | "done" | "failed";

export interface RowError {
  row: number;
  column: string;
  message: string;
}

export interface PreviewRow {
  row: number;
  valid: boolean;
  scheduled_at: string | null;
  queued: boolean;
  timezone: string;
  accounts: string[];
  text: string;
  media_ids: string[];
  cells: Record<string, string>;
}

export interface BulkImport {
  id: string;
  status: ImportStatus;
  progress: number;
  format: string | null;
  rows: number;
  valid_rows: number;
  created_posts: number;
  columns: string[];
  errors: RowError[];
  preview: PreviewRow[];
  summary: {
    /** `account` as a row names it (network:handle); `name` and `network` say who it is. */
    by_account: { account: string; account_id?: string | null; network?: string | null; name?: string | null; posts: number }[];
    by_week: { week: string; posts: number }[];
  };
  failure: string | null;
}

export interface UploadChoices {
  format?: string;
  timezone?: string;
  date_order?: string;
  accounts?: string;
}

export function uploadCsv(workspaceId: string, file: Blob, choices: UploadChoices): Promise<BulkImport> {
  const query = new URLSearchParams(Object.entries(choices).filter(([, v]) => v) as [string, string][]);
  const suffix = query.toString() ? `?${query}` : "";
  return api<BulkImport>(`/v1/workspaces/${workspaceId}/imports${suffix}`, {
    method: "POST",
    headers: { "Content-Type": "text/csv" },
    raw: file,
  });
}

export function getImport(workspaceId: string, id: string): Promise<BulkImport> {
  return api<BulkImport>(`/v1/workspaces/${workspaceId}/imports/${id}`);
}

export function commitImport(workspaceId: string, id: string, skipInvalid: boolean): Promise<BulkImport> {
  const suffix = skipInvalid ? "?skip_invalid=true" : "";
  return api<BulkImport>(`/v1/workspaces/${workspaceId}/imports/${id}/commit${suffix}`, { method: "POST" });
}

/** Problems by row, then by column: what the table highlights. */
export function problemsByCell(errors: RowError[]): Map<number, Map<string, string[]>> {
  const byRow = new Map<number, Map<string, string[]>>();
  for (const error of errors) {
    const row = byRow.get(error.row) ?? new Map<string, string[]>();
    row.set(error.column, [...(row.get(error.column) ?? []), error.message]);
    byRow.set(error.row, row);
  }
  return byRow;
}

export const BUSY: ImportStatus[] = ["validating", "committing"];
