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
