// What a post looks like on a network: the text cut where the network stops it, the image
// cropped to the network's aspect bounds, and a card for the first link.
import { count, type TextRules } from "./counting";

/** The longest start of `text` the network accepts, and whether anything was cut. */
export function truncate(text: string, rules: TextRules): { shown: string; cut: boolean } {
  if (count(text, rules) <= rules.max_length) return { shown: text, cut: false };
  const points = [...text];
  let low = 0;
  let high = points.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (count(points.slice(0, middle).join(""), rules) <= rules.max_length) low = middle;
    else high = middle - 1;
  }
  return { shown: points.slice(0, low).join(""), cut: true };
}

/** The width / height an image is shown at: its own, held within the network's bounds. */
export function cropRatio(width: number, height: number, min?: number | null, max?: number | null): number {
  const ratio = width / height;
  if (min != null && ratio < min) return min;
  if (max != null && ratio > max) return max;
  return ratio;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/i;

/** The first link in `text`, for the link card, or null. */
export function firstLink(text: string): { url: string; host: string; path: string } | null {
  const match = URL_PATTERN.exec(text);
  if (!match) return null;
  const raw = match[0].replace(/[.,;:!?)]+$/, "");
  try {
    const url = new URL(raw);
    return { url: raw, host: url.hostname.replace(/^www\./, ""), path: url.pathname === "/" ? "" : url.pathname };
  } catch {
    return null;
  }
}

export type EntityKind = "text" | "tag" | "mention" | "link";

const ENTITY_PATTERN = /(\bhttps?:\/\/[^\s<>"]+)|(?<![\w@])(#[\p{L}\p{N}_]+)|(?<![\w@])(@[\w.]+(?:@[\w.-]+\.[a-z]{2,})?)/giu;

/** `text` in runs: links, #hashtags and @mentions (coloured like the networks do) and plain text. */
export function entities(text: string): { kind: EntityKind; value: string }[] {
  const runs: { kind: EntityKind; value: string }[] = [];
  let last = 0;
  for (const match of text.matchAll(ENTITY_PATTERN)) {
    let value = match[0];
    const kind: EntityKind = match[1] ? "link" : match[2] ? "tag" : "mention";
    if (kind === "link") value = value.replace(/[.,;:!?)]+$/, "");
    else if (kind === "mention") value = value.replace(/\.+$/, "");
    const start = match.index;
    if (start > last) runs.push({ kind: "text", value: text.slice(last, start) });
    runs.push({ kind, value });
    last = start + value.length;
  }
  if (last < text.length) runs.push({ kind: "text", value: text.slice(last) });
  return runs;
}

/** Up to two initials of a name, for an account without an avatar: "Demo Bakery" → "DB". */
export function initials(name: string): string {
  const words = name.replace(/^@/, "").split(/[\s._-]+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0].toUpperCase()).join("") || "?";
}

/** The first line of a post, as a title (YouTube, Pinterest), at most `max` characters. */
export function titleLine(text: string, max = 100): string {
  const line = text.trim().split("\n")[0].trim();
  return [...line].length > max ? `${[...line].slice(0, max - 1).join("")}…` : line;
}
