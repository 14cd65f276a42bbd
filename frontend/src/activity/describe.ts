// The activity log in words: "Ada Lovelace connected X account @ada", "… scheduled a post
// for Tue, Dec 8, 9:00 AM on X". Each event becomes a sentence of parts; a part with `to`
// is a link to what the event is about (a post, the accounts, the members).
import type { AuditEvent } from "../api/people";
import { networkLabel } from "../components/NetworkIcon";
import { formatInZone } from "../time/zoned";

export interface Part {
  text: string;
  /** A link inside the app. */
  to?: string;
  /** The person or thing named (shown in bold). */
  strong?: boolean;
}

/** The kinds a reader filters by, each the API's `action` filter (families end with "."). */
export const EVENT_KINDS: { id: string; label: string; action: string }[] = [
  { id: "posts", label: "Posts", action: "post." },
  { id: "accounts", label: "Accounts", action: "account." },
  { id: "people", label: "People and invitations", action: "member.,invitation." },
  { id: "imports", label: "Bulk imports", action: "import." },
  { id: "sign-ins", label: "Sign-ins", action: "user." },
  { id: "settings", label: "Settings, API keys and webhooks", action: "workspace.,api_key.,approvals.,webhook.,review_link.,library." },
];

type Details = Record<string, unknown>;

const str = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : String(value));
const num = (value: unknown): number => (typeof value === "number" ? value : Number(value) || 0);

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function networkList(value: unknown): string {
  const names = Array.isArray(value) ? value.map((n) => networkLabel(str(n))) : [];
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** The post as the reader recognises it: its first words, in quotes. */
function postTitle(details: Details): string {
  const text = str(details.text).replace(/\s+/g, " ").trim();
  if (!text) return "a post";
  return `“${text.length > 40 ? `${text.slice(0, 40).trimEnd()}…` : text}”`;
}

function accountName(details: Details): string {
  const handle = str(details.handle);
  return handle ? `@${handle.replace(/^@/, "")}` : str(details.name) || "an account";
}

const ROLE_WORDS: Record<string, string> = { owner: "an owner", admin: "an admin", editor: "an editor", viewer: "a viewer" };
const role = (value: unknown) => ROLE_WORDS[str(value)] ?? str(value);

/** Who did it, in words: the API's name for them, else a short fallback. */
export function actorName(event: AuditEvent): string {
  if (event.actor_name) return event.actor_name;
  if (!event.actor || event.actor === "system") return "Schedulo";
  if (event.actor === "operator") return "Schedulo support";
  if (event.actor.startsWith("api_key:")) return "An API key";
  return "A former member";
}

/**
 * The event as a sentence after the actor's name. `zone` is the zone times are written in
 * when the event does not carry one (the workspace's).
 */
export function describe(event: AuditEvent, zone: string): Part[] {
  const d = event.details ?? {};
  const t = (text: string): Part => ({ text });
  const post = (id: string | null | undefined, title = postTitle(d)): Part =>
    id ? { text: title, to: `/posts/${id}` } : { text: title };
  const when = (at: unknown, tz: unknown = d.timezone) => formatInZone(str(at), str(tz) || zone);
  const on = networkList(d.networks) ? ` on ${networkList(d.networks)}` : "";
  const person = (fallback: string): Part => ({ text: event.target_name ?? (event.target || fallback), strong: true });

  switch (event.action) {
    case "account.connected":
      return [t(`connected ${networkLabel(str(d.network))} account `), { text: accountName(d), to: "/accounts", strong: true }];
    case "account.disconnected": {
      const cancelled = num(d.cancelled_targets);
      return [
        t(`disconnected ${networkLabel(str(d.network))} account `),
        { text: accountName(d), to: "/accounts", strong: true },
        ...(cancelled ? [t(` (${plural(cancelled, "scheduled post")} on it cancelled)`)] : []),
      ];
    }
    case "post.created":
      if (d.now) return [t("published "), post(event.target), t(` right away${on}`)];
      if (d.status === "draft") return [t("saved a draft: "), post(event.target)];
      if (d.status === "pending_approval")
        return [t("wrote "), post(event.target), t(d.scheduled_at ? ` for ${when(d.scheduled_at)}${on}, to go out once approved` : ", to go out once approved")];
      return [t("scheduled "), post(event.target), t(` for ${when(d.scheduled_at)}${on}`)];
    case "post.edited":
      return [
        t("edited "),
        post(event.target),
        ...(d.retimed && d.scheduled_at ? [t(`, now for ${when(d.scheduled_at)}`)] : []),
      ];
    case "post.cancelled":
      return d.back_to_draft
        ? [t("cancelled "), post(event.target), t(": it went back to drafts")]
        : [t("cancelled what was left to publish of "), post(event.target)];
    case "post.deleted":
      return [t("deleted "), post(null), ...(d.scheduled_at ? [t(`, which was scheduled for ${when(d.scheduled_at)}`)] : [])];
    case "post.published_now":
      return [t("published "), post(event.target), t(` now${on}`)];
    case "post.publish_attempt": {
      const net = networkLabel(str(d.network));
      const target = post(str(d.post_id), d.text ? postTitle(d) : "a post");
      if (d.outcome === "published") return [t("published "), target, t(` on ${net}`)];
      if (d.outcome === "failed") return [t("could not publish "), target, t(` on ${net}${d.reason ? `: ${str(d.reason)}` : ""}`)];
      if (d.outcome === "unconfirmed") return [t("could not confirm "), target, t(` went out on ${net}`)];
      return [t(`will try again to publish `), target, t(` on ${net} (attempt ${num(d.attempt)})`)];
    }
    case "post.retried":
      return [t("retried "), post(event.target, "a post")];
    case "post.redriven":
      return [t("sent "), post(str(d.post_id), "a post"), t(" again")];
    case "post.comment_deleted":
      return [t("deleted a comment on "), post(str(d.post_id), "a post")];
    case "post.submitted":
      return [t("submitted "), post(event.target, "a post"), t(" for approval")];
    case "post.approved":
    case "post.step_approved":
      return [t("approved "), post(event.target, "a post")];
    case "post.rejected":
      return [t("rejected "), post(event.target, "a post")];
    case "post.changes_requested":
      return [t("asked for changes to "), post(event.target, "a post")];
    case "post.expired":
      return [post(event.target, "A post"), t(" expired waiting for approval")];
    case "import.committed":
      return [t(`scheduled ${plural(num(d.posts), "post")} from a `), { text: "bulk import", to: "/bulk" }];
    case "import.submitted_for_approval":
      return [t(`submitted ${plural(num(d.posts), "imported post")} for approval`)];
    case "invitation.sent":
      return [t("invited "), { text: event.target ?? "someone", strong: true }, t(` to join as ${role(d.role)}`)];
    case "invitation.accepted":
      return [t(`joined the workspace as ${role(d.role)}`)];
    case "invitation.revoked":
      return [t("withdrew the invitation to "), { text: event.target ?? "someone", strong: true }];
    case "member.removed":
      return [t("removed "), person("a member"), t(" from the workspace")];
    case "member.left":
      return [t("left the workspace")];
    case "member.role_changed":
      return [t("made "), person("a member"), t(` ${role(d.to)} (was ${role(d.from)})`)];
    case "user.signed_up":
      return [t("signed up")];
    case "user.signed_in":
      return [t("signed in")];
    case "user.signed_out_everywhere":
      return [t("signed out on every device")];
    case "workspace.created":
      return [t("created the workspace")];
    case "workspace.updated": {
      const changed = Object.keys(d).map((k) => k.replace(/_/g, " "));
      return [t(`changed the workspace's ${changed.join(" and ") || "settings"}`)];
    }
    case "approvals.policy_changed":
      return [t("changed the approval rules")];
    case "api_key.created":
      return [t("created the API key "), { text: `“${str(d.name)}”`, strong: true }, t(` (${str(d.role)})`)];
    case "api_key.revoked":
      return [t("revoked an API key")];
    case "webhook.created":
      return [t("added a webhook to "), { text: str(d.url), strong: true }];
    case "webhook.updated":
      return [t("changed a webhook")];
    case "webhook.deleted":
      return [t("deleted a webhook")];
    case "webhook.secret_rotated":
      return [t("rotated a webhook's signing secret")];
    case "review_link.created":
      return [t("shared "), post(event.target, "a post"), t(" for client review")];
    case "review_link.revoked":
      return [t("stopped client review of "), post(event.target, "a post")];
    case "library.created":
    case "library.updated":
    case "library.deleted": {
      const verb = { "library.created": "added", "library.updated": "edited", "library.deleted": "deleted" }[event.action];
      return [t(`${verb} `), { text: str(d.name) || "an item", to: "/library" }, t(" in the content library")];
    }
    default:
      return [t(event.action.replace(/[._]/g, " "))];
  }
}

/** The whole sentence as plain text (for tests and titles). */
export function sentence(event: AuditEvent, zone: string): string {
  return `${actorName(event)} ${describe(event, zone)
    .map((p) => p.text)
    .join("")}`;
}

const RELATIVE: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
];

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function relativeTime(at: string, now: number = Date.now()): string {
  const seconds = Math.round((new Date(at).getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return "just now";
  const format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of RELATIVE) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(Math.round(seconds / 60), "minute");
}
