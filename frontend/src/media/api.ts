// Types and calls of the media library (API.md "Media").
import { api } from "../api/client";

export type MediaKind = "image" | "gif" | "video" | "document";
export type MediaStatus = "uploading" | "ready" | "failed";
export type Surface = "feed" | "story" | "reel";

export interface FocalPoint {
  x: number;
  y: number;
}

export interface Media {
  id: string;
  status: MediaStatus;
  kind: MediaKind | null;
  filename: string;
  content_type: string | null;
  size: number | null;
  width: number | null;
  height: number | null;
  duration_seconds: number | null;
  video_codec: string | null;
  audio_codec: string | null;
  frames: number | null;
  url: string | null;
  thumbnail_url: string | null;
  alt_text: string | null;
  tags: string[];
  focal_point: FocalPoint;
  used_by: string[];
  failure_reason: string | null;
  source_url: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface MediaPage {
  items: Media[];
  next_cursor: string | null;
}

export interface PresignedUpload {
  url: string;
  fields: Record<string, string>;
  max_bytes: number;
}

export interface UploadStarted {
  media: Media;
  upload: PresignedUpload;
}

export interface Rendition {
  network: string;
  surface: Surface;
  url: string;
  content_type: string;
  size: number;
  width: number | null;
  height: number | null;
  is_rendition: boolean;
}

export interface MediaFilter {
  tag?: string;
  kind?: MediaKind;
  status?: MediaStatus;
  cursor?: string;
  limit?: number;
}

export interface MediaChanges {
  alt_text?: string | null;
  tags?: string[];
  focal_point?: FocalPoint;
}

/** The types the library accepts (the server checks the bytes again). */
export const ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp", "video/mp4", "video/quicktime", "text/csv"];

const base = (ws: string) => `/v1/workspaces/${encodeURIComponent(ws)}/media`;

export function listMedia(ws: string, filter: MediaFilter = {}): Promise<MediaPage> {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && value !== "") query.set(name, String(value));
  }
  const suffix = query.size ? `?${query}` : "";
  return api<MediaPage>(`${base(ws)}${suffix}`);
}

const TYPES_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  m4v: "video/mp4",
  mov: "video/quicktime",
  csv: "text/csv",
};

/** The browser's type for the file, else the one its extension implies (some systems
 * report none for .mov or .csv); the server checks the bytes either way. */
export function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.split(".").pop()?.toLowerCase() ?? "";
  return TYPES_BY_EXTENSION[extension] ?? "application/octet-stream";
}

export function startUpload(ws: string, file: File): Promise<UploadStarted> {
  return api<UploadStarted>(base(ws), {
    method: "POST",
    body: { filename: file.name, content_type: contentTypeOf(file), size: file.size },
  });
}

export function completeUpload(ws: string, id: string): Promise<Media> {
  return api<Media>(`${base(ws)}/${id}/complete`, { method: "POST" });
}

export function importMedia(ws: string, url: string): Promise<Media> {
  return api<Media>(`${base(ws)}/import`, { method: "POST", body: { url } });
}

export function updateMedia(ws: string, id: string, changes: MediaChanges): Promise<Media> {
  return api<Media>(`${base(ws)}/${id}`, { method: "PATCH", body: changes });
}

export function deleteMedia(ws: string, id: string): Promise<void> {
  return api<void>(`${base(ws)}/${id}`, { method: "DELETE" });
}

export function getRendition(ws: string, id: string, network: string, surface: Surface): Promise<Rendition> {
  return api<Rendition>(`${base(ws)}/${id}/renditions/${network}?surface=${surface}`);
}

/** "12.4 MB", "830 KB". */
export function formatBytes(bytes: number | null): string {
  if (bytes == null) return "";
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  if (bytes >= 1_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${bytes} B`;
}

/** "1:05" from 65.2 seconds. */
export function formatDuration(seconds: number | null): string {
  if (seconds == null) return "";
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, "0")}`;
}

/** "#Summer, beach ,, summer" -> ["summer", "beach"], as the server normalises them. */
export function parseTags(text: string): string[] {
  const tags = text
    .split(",")
    .map((t) => t.trim().replace(/^#+/, "").trim().replace(/\s+/g, " ").toLowerCase())
    .filter(Boolean);
  return [...new Set(tags)];
}
