// Text length by each network's own rule, exactly as the server counts it
// (chalicelib/domain/text.py): X's weighted count is twitter-text's v3 parse.
import twitter from "twitter-text";

export type Counting = "weighted" | "graphemes" | "code_points" | "utf16" | "bytes";

export interface TextRules {
  max_length: number;
  counting: Counting;
  url_length?: number | null;
}

// twitter-text's config/v3.json (the server's X_WEIGHTING): emoji sequences count once.
const X_WEIGHTING = {
  version: 3,
  maxWeightedTweetLength: 280,
  scale: 100,
  defaultWeight: 200,
  emojiParsingEnabled: true,
  transformedURLLength: 23,
  ranges: [
    { start: 0, end: 4351, weight: 100 },
    { start: 8192, end: 8205, weight: 100 },
    { start: 8208, end: 8223, weight: 100 },
    { start: 8242, end: 8247, weight: 100 },
  ],
};

const segmenter = typeof Intl !== "undefined" && "Segmenter" in Intl ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

export function graphemes(text: string): number {
  if (!segmenter) return [...text].length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}

const counters: Record<Exclude<Counting, "weighted">, (text: string) => number> = {
  graphemes,
  code_points: (text) => [...text].length,
  utf16: (text) => text.length,
  bytes: (text) => new TextEncoder().encode(text).length,
};

/** The length of `text` by one network's rule; `url_length` counts each link as that many. */
export function count(text: string, rules: Pick<TextRules, "counting" | "url_length">): number {
  if (rules.counting === "weighted") {
    const urlLength = rules.url_length ?? 23;
    return twitter.parseTweet(text, { ...X_WEIGHTING, transformedURLLength: urlLength }).weightedLength;
  }
  const counter = counters[rules.counting];
  if (rules.url_length == null) return counter(text);
  const urls = twitter.extractUrlsWithIndices(text);
  const linked = urls.reduce((sum, url) => sum + counter(text.slice(url.indices[0], url.indices[1])), 0);
  return counter(text) - linked + rules.url_length * urls.length;
}

/** What the counter under a text box shows. */
export function counter(text: string, rules: TextRules): { used: number; max: number; over: boolean } {
  const used = count(text, rules);
  return { used, max: rules.max_length, over: used > rules.max_length };
}
