// What stops a post from being scheduled, found as the user types, in the words a person
// uses ("Too long for X by 12 characters"): the same rules the server applies
// (chalicelib/domain/validation.py) for text length, hashtags, mentions, links, media and
// the first comment. The server still checks everything when the post is sent.
import twitter from "twitter-text";
import { count } from "../counting";
import type { Network } from "../api";

export interface Blocker {
  /** The network (or "" for the post as a whole) the reason is about. */
  network: string;
  message: string;
}

/** One selected account's share of the post: its network and the text it will get. */
export interface TargetText {
  network: Network;
  text: string;
}

interface ExtraTextRules {
  required?: boolean;
  max_hashtags?: number | null;
  max_mentions?: number | null;
  max_links?: number | null;
}

const FIRST_COMMENT = "first_comment";

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** Every reason the post cannot go out yet, one per network and problem (duplicates of
 * several accounts on one network are said once). */
export function blockers({
  targets,
  mediaCount,
  firstComment,
}: {
  targets: TargetText[];
  mediaCount: number;
  firstComment: string;
}): Blocker[] {
  const found: Blocker[] = [];
  const seen = new Set<string>();
  const add = (network: string, message: string) => {
    if (seen.has(message)) return;
    seen.add(message);
    found.push({ network, message });
  };
  const comment = firstComment.trim() ? firstComment : "";
  if (targets.length === 0) add("", "Choose at least one account");
  for (const { network, text } of targets) {
    const rules = network.limits.text as Network["limits"]["text"] & ExtraTextRules;
    const name = network.name;
    if (!text.trim()) {
      if (rules.required || mediaCount === 0) add(network.id, `${name} needs some text`);
    } else {
      const used = count(text, rules);
      if (used > rules.max_length) add(network.id, `Too long for ${name} by ${plural(used - rules.max_length, "character")}`);
      const caps: [string, number, number | null | undefined][] = [
        ["hashtag", twitter.extractHashtags(text).length, rules.max_hashtags],
        ["mention", twitter.extractMentions(text).length, rules.max_mentions],
        ["link", twitter.extractUrls(text).length, rules.max_links],
      ];
      for (const [thing, n, most] of caps) {
        if (most != null && n > most) add(network.id, `Too many ${thing}s for ${name}: ${n}, at most ${most}`);
      }
    }
    const limits = network.limits as Network["limits"] & { requires_media?: boolean };
    if (limits.requires_media && mediaCount === 0) add(network.id, `${name} needs an image or a video`);
    if (limits.max_media && mediaCount > limits.max_media) {
      add(network.id, `Too many files for ${name}: ${mediaCount}, at most ${limits.max_media}`);
    }
    if (comment && !network.capabilities.includes(FIRST_COMMENT)) {
      add(network.id, `${name} has no first comment: leave it empty or unselect ${name}`);
    } else if (comment && limits.first_comment_max != null) {
      const used = count(comment, rules);
      if (used > limits.first_comment_max) {
        add(network.id, `First comment too long for ${name} by ${plural(used - limits.first_comment_max, "character")}`);
      }
    }
  }
  return found;
}
