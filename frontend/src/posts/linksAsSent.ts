// A text as a network receives it when the workspace tracks links: each link tagged with
// UTM parameters (utm_source is the network), then, when the workspace shortens links,
// replaced by a short link of its own. The same rules as chalicelib/domain/utm.py, so the
// composer counts what the API will count (and refuse).
import twitter from "twitter-text";
import type { LinkTracking, Workspace } from "../api/people";

/** A short link's code always has this many characters (SHORT_CODE_LENGTH on the server):
 * a text is counted with a stand-in of that length before the post is published. */
export const SHORT_CODE_LENGTH = 8;

/** The workspace's link tracking as the composer needs it; null when links go out as written. */
export function trackingOf(workspace: Pick<Workspace, "link_tracking" | "short_link_base">): SendingLinks | null {
  const tracking = workspace.link_tracking;
  if (!tracking || (!tracking.enabled && !tracking.shorten)) return null;
  return { ...tracking, shortBase: workspace.short_link_base ?? "" };
}

export interface SendingLinks extends LinkTracking {
  /** What a short link's code follows, e.g. "https://app.example.com/l". */
  shortBase: string;
}

/** `text` as `network` will receive it (unchanged when `tracking` is null). */
export function linksAsSent(text: string, network: string, tracking: SendingLinks | null): string {
  if (!tracking || !text.includes(".")) return text;
  const tagged = tracking.enabled ? replaceLinks(text, (url) => tagLink(url, network, tracking)) : text;
  const base = tracking.shortBase.replace(/\/+$/, "");
  if (!tracking.shorten || !base) return tagged;
  const standIn = `${base}/${"0".repeat(SHORT_CODE_LENGTH)}`;
  return replaceLinks(tagged, (url) => (hostOf(url) === "t.co" || absolute(url).startsWith(`${base}/`) ? url : standIn));
}

/** Whether any link of `text` would go out differently (for the counter's explanation). */
export function changesLinks(text: string, network: string, tracking: SendingLinks | null): boolean {
  return linksAsSent(text, network, tracking) !== text;
}

function replaceLinks(text: string, replace: (url: string) => string): string {
  let result = text;
  const links = twitter.extractUrlsWithIndices(text);
  for (const { url, indices } of [...links].reverse()) {
    result = result.slice(0, indices[0]) + replace(url) + result.slice(indices[1]);
  }
  return result;
}

export function tagLink(url: string, network: string, tracking: LinkTracking): string {
  const query = (url.split("#")[0].split("?")[1] ?? "").toLowerCase();
  if (hostOf(url) === "t.co" || query.includes("utm_")) return url;
  const tags = new URLSearchParams({ utm_source: network, utm_medium: tracking.medium });
  if (tracking.campaign) tags.set("utm_campaign", tracking.campaign);
  const hash = url.indexOf("#");
  const base = hash === -1 ? url : url.slice(0, hash);
  const tail = hash === -1 || hash === url.length - 1 ? "" : url.slice(hash);
  return `${base}${base.includes("?") ? "&" : "?"}${tags.toString()}${tail}`;
}

function absolute(url: string): string {
  return url.includes("://") ? url : `https://${url}`;
}

function hostOf(url: string): string {
  const rest = url.includes("://") ? url.slice(url.indexOf("://") + 3) : url;
  return rest.split(/[/?#]/)[0].toLowerCase();
}
