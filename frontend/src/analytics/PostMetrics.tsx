// A published post's numbers on its page (the live post is linked above them): per account,
// each metric its network gives (one it does not give says so), where collection stands,
// and the readings over time.
import { useId } from "react";
import { Link } from "react-router-dom";
import type { Account } from "../accounts/api";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import type { Post } from "../posts/api";
import { formatInZone } from "../time/zoned";
import { usePostMetrics } from "./api";
import { formatCount, metricLabel, notAvailable } from "./format";
import type { TargetMetrics } from "./types";
import "./parts.css";

/** The canonical metrics first, in this order; a network's own ones after them. */
const ORDER = ["impressions", "views", "reach", "engagements", "likes", "comments", "shares", "saves", "clicks", "quotes"];

export function metricOrder(metrics: Record<string, number | null>): string[] {
  const rank = (key: string) => (ORDER.includes(key) ? ORDER.indexOf(key) : ORDER.length);
  return Object.keys(metrics).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

const STATES: Record<string, string> = {
  collecting: "Updating: read again 1 hour, 1 day, 3 days, 7 days and 30 days after publishing",
  done: "Final: read for the last time 30 days after publishing",
};

export function PostMetrics({ workspaceId, post, accounts }: { workspaceId: string; post: Post; accounts: Map<string, Account> }) {
  const id = useId();
  const published = post.targets.some((t) => t.status === "published");
  const metrics = usePostMetrics(workspaceId, post.id, published);
  if (!published) return null;
  // Only answers of the analytics API's shape are shown (anything else: nothing yet).
  const targets = (metrics.data?.targets ?? []).filter((t) => t && typeof t.metrics === "object" && t.metrics !== null);
  return (
    <section className="post-metrics" aria-labelledby={id} aria-busy={metrics.isFetching || undefined}>
      <h2 id={id}>Performance</h2>
      {metrics.isPending && (
        <div className="skeleton skeleton-row" aria-hidden="true" />
      )}
      {metrics.isError && <p role="alert">Could not load its numbers: {metrics.error.message}</p>}
      {metrics.isSuccess && targets.length === 0 && (
        <p className="empty-note">Its first numbers arrive within the hour of publishing: come back then.</p>
      )}
      {targets.length > 0 && (
        <ul className="metric-targets">
          {targets.map((target) => (
            <TargetCard key={target.target_id} target={target} account={accounts.get(target.account_id)} zone={post.timezone} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TargetCard({ target, account, zone }: { target: TargetMetrics; account?: Account; zone: string }) {
  const network = networkLabel(target.network);
  const keys = metricOrder(target.metrics);
  const snapshots = Array.isArray(target.snapshots) ? target.snapshots : [];
  const last = snapshots[snapshots.length - 1];
  const name = account?.display_name ?? network;
  return (
    <li className="metric-target" aria-label={`${name} on ${network}`}>
      <div className="metric-target-head">
        <strong>
          <NetworkIcon network={target.network} size={18} /> {name}
        </strong>
        {target.state === "paused" ? (
          <span className="metric-state paused">
            Paused: <Link to="/accounts">reconnect the account</Link> to update these numbers
          </span>
        ) : (
          <span className="metric-state muted">{STATES[target.state] ?? target.state}</span>
        )}
      </div>
      {keys.length === 0 ? (
        <p className="muted">No numbers yet: the first arrive within the hour of publishing.</p>
      ) : (
        <dl className="metric-grid">
          {keys.map((key) => {
            const value = target.metrics[key];
            return (
              <div key={key} data-metric={key}>
                <dt>{metricLabel(key)}</dt>
                {value === null || value === undefined ? <dd className="na">{notAvailable([target.network])}</dd> : <dd>{formatCount(value)}</dd>}
              </div>
            );
          })}
        </dl>
      )}
      {last && (
        <p className="muted metric-state">
          Last read {formatInZone(last.at, zone)}
          {snapshots.length > 1 ? ` · ${snapshots.length} readings` : ""}
        </p>
      )}
      {snapshots.length > 1 && <Readings snapshots={snapshots} keys={keys.filter((k) => target.metrics[k] !== null)} zone={zone} />}
    </li>
  );
}

function Readings({ snapshots, keys, zone }: { snapshots: TargetMetrics["snapshots"]; keys: string[]; zone: string }) {
  return (
    <details className="chart-table">
      <summary>Over time</summary>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Read</th>
              {keys.map((key) => (
                <th scope="col" key={key}>
                  {metricLabel(key)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {snapshots.map((snapshot) => (
              <tr key={snapshot.at}>
                <th scope="row">{formatInZone(snapshot.at, zone)}</th>
                {keys.map((key) => (
                  <td key={key}>{typeof snapshot.values?.[key] === "number" ? formatCount(snapshot.values[key]) : "—"}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
