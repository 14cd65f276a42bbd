import { TARGET_LABELS, type Target } from "./api";

/** One line per target: network, status, attempts, and the reason or the live link. */
export function TargetStatusList({ targets, compact = false }: { targets: Target[]; compact?: boolean }) {
  return (
    <ul className={compact ? "target-list compact" : "target-list"} aria-label="Networks">
      {targets.map((target) => (
        <li key={target.account_id} className={`target target-${target.status}`}>
          <span className="target-network">{target.network}</span>{" "}
          <span className={`status-badge status-${target.status}`}>{TARGET_LABELS[target.status]}</span>
          {!compact && target.attempts > 1 && <span className="target-attempts"> after {target.attempts} attempts</span>}
          {!compact && target.url && target.status === "published" && (
            <>
              {" "}
              <a href={target.url} target="_blank" rel="noreferrer">
                View on {target.network}
              </a>
            </>
          )}
          {!compact && target.error && <p className="target-error">{target.error}</p>}
        </li>
      ))}
    </ul>
  );
}
