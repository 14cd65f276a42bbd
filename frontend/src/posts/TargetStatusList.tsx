import type { Account } from "../accounts/api";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { ZonedTime } from "../time/ZonedTime";
import { TARGET_LABELS, type Target } from "./api";

/**
 * One line per target: the account (name, handle, network), its status, and when it went
 * out with the live link ("View on X"), when it is due, or why it did not go.
 * `accounts` names the accounts (their ids otherwise); `zone` and `scheduledAt` are the
 * post's, to say when a waiting target is due (`scheduledAt` null: a draft, not scheduled).
 */
export function TargetStatusList({
  targets,
  compact = false,
  accounts,
  zone,
  scheduledAt,
}: {
  targets: Target[];
  compact?: boolean;
  accounts?: ReadonlyMap<string, Account>;
  zone?: string;
  scheduledAt?: string | null;
}) {
  const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const timeZone = zone ?? browser;
  return (
    <ul className={compact ? "target-list compact" : "target-list"} aria-label="Networks">
      {targets.map((target) => {
        const account = accounts?.get(target.account_id);
        const network = networkLabel(target.network);
        const name = account ? account.display_name : network;
        const handle = account?.handle ? `@${account.handle.replace(/^@/, "")}` : null;
        return (
          <li key={target.account_id} className={`target target-${target.status}`}>
            <span className="target-account">
              <NetworkIcon network={target.network} size={compact ? 16 : 20} label={network} />
              <span className="target-name">{name}</span>
              {!compact && handle && <span className="target-handle">{handle}</span>}
              {!compact && account && <span className="target-on">on {network}</span>}
            </span>{" "}
            <span className={`status-badge status-${target.status}`}>
              {target.status === "pending" && scheduledAt === null ? "Not scheduled" : TARGET_LABELS[target.status]}
            </span>
            {!compact && (
              <span className="target-when">
                {target.status === "published" && target.published_at && (
                  <>
                    Published at <ZonedTime at={target.published_at} zone={timeZone} />
                  </>
                )}
                {target.status === "pending" && scheduledAt && (
                  <>
                    Goes out <ZonedTime at={scheduledAt} zone={timeZone} />
                  </>
                )}
                {target.attempts > 1 && target.status !== "pending" && <> after {target.attempts} attempts</>}
              </span>
            )}
            {!compact && target.url && target.status === "published" && (
              <a className="target-link" href={target.url} target="_blank" rel="noreferrer">
                View on {network}
              </a>
            )}
            {!compact && target.error && <p className="target-error">{target.error}</p>}
          </li>
        );
      })}
    </ul>
  );
}
