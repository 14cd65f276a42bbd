import { Link } from "react-router-dom";
import { NetworkIcon } from "../components/NetworkIcon";
import { errorMessage } from "../components/Toasts";
import { useHealth, when, type HealthWindow } from "./api";

function percent(rate: number | null): string {
  return rate === null ? "—" : `${(rate * 100).toFixed(rate === 1 ? 0 : 1)} %`;
}

function seconds(value: number | null): string {
  if (value === null) return "—";
  return value < 60 ? `≤ ${value} s` : `≤ ${Math.round(value / 60)} min`;
}

function kinds(window: HealthWindow): string {
  const entries = Object.entries(window.failure_kinds);
  return entries.length ? entries.map(([kind, n]) => `${kind} ${n}`).join(", ") : "none";
}

const WINDOWS = [
  ["hour", "Last hour"],
  ["day", "Last day"],
] as const;

/** Publishing's health for operators: per network the last hour and day, the queues,
 * the metrics collection's backlog and the sweeper's last run. */
export function HealthPanel() {
  const health = useHealth();
  return (
    <section aria-labelledby="health-title" className="health">
      <h2 id="health-title">Publishing health</h2>
      {health.isPending && <p role="status">Loading…</p>}
      {health.isError && <p role="alert">{errorMessage(health.error)}</p>}
      {health.data && (
        <>
          <p className="muted">As of {when(health.data.generated_at)}; lateness is when the network took the post minus its due time.</p>
          {health.data.networks.length === 0 ? (
            <p className="empty-state">No publish attempt in the last day.</p>
          ) : (
            <div className="table-scroll" tabIndex={0} role="region" aria-label="Attempts per network">
              <table className="health-table">
                <caption className="visually-hidden">Attempts per network</caption>
                <thead>
                  <tr>
                    <th scope="col">Network</th>
                    <th scope="col">Window</th>
                    <th scope="col">Attempts</th>
                    <th scope="col">Success rate</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Retried</th>
                    <th scope="col">Failure kinds</th>
                    <th scope="col">Lateness p50</th>
                    <th scope="col">Lateness p99</th>
                  </tr>
                </thead>
                <tbody>
                  {health.data.networks.flatMap((n) =>
                    WINDOWS.map(([key, label]) => (
                      <tr key={`${n.network}-${key}`}>
                        {key === "hour" && (
                          <th scope="rowgroup" rowSpan={2}>
                            <NetworkIcon network={n.network} /> {n.name}
                          </th>
                        )}
                        <td>{label}</td>
                        <td>{n[key].attempts}</td>
                        <td>{percent(n[key].success_rate)}</td>
                        <td>{n[key].failed}{n[key].unconfirmed ? ` (${n[key].unconfirmed} unconfirmed)` : ""}</td>
                        <td>{n[key].retried}</td>
                        <td>{kinds(n[key])}</td>
                        <td>{seconds(n[key].lateness_p50_seconds)}</td>
                        <td>{seconds(n[key].lateness_p99_seconds)}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )}
          <h3>Queues</h3>
          <ul className="health-queues">
            {health.data.queues.map((q) => (
              <li key={q.name}>
                <strong>{q.label}</strong>:{" "}
                {q.error ? (
                  <span className="muted">could not be read ({q.error})</span>
                ) : (
                  <span>
                    {q.visible} waiting, {q.in_flight} in flight, {q.delayed} delayed
                  </span>
                )}
              </li>
            ))}
            <li>
              <strong>Metrics collection</strong>: {health.data.collection.due} refreshes due
              {health.data.collection.oldest_due_at && `, the oldest since ${when(health.data.collection.oldest_due_at)}`}
            </li>
          </ul>
          <h3>Sweeper</h3>
          {health.data.sweeper ? (
            <>
              <p>
                Last run {when(health.data.sweeper.at)}: looked at {health.data.sweeper.counts.looked_at ?? 0}, armed{" "}
                {health.data.sweeper.counts.armed ?? 0}, published overdue {health.data.sweeper.counts.invoked ?? 0}, expired{" "}
                {health.data.sweeper.counts.expired ?? 0}.
              </p>
              <p>
                Alarms (last 10 to 20 minutes):{" "}
                {Object.keys(health.data.sweeper.networks_failing ?? {}).length > 0
                  ? `over the failure-rate threshold (more than 20 % failed): ${Object.entries(health.data.sweeper.networks_failing ?? {})
                      .map(([network, rate]) => `${network} ${(rate * 100).toFixed(0)} %`)
                      .join(", ")}`
                  : "no network over the failure-rate threshold"}
                ;{" "}
                {Object.keys(health.data.sweeper.networks_late ?? {}).length > 0
                  ? `lateness p99 over 60 s: ${Object.entries(health.data.sweeper.networks_late ?? {})
                      .map(([network, seconds]) => `${network} ≤ ${seconds} s`)
                      .join(", ")}`
                  : "none late over 60 s (p99)"}
                .
              </p>
              {health.data.sweeper.acted_on.length > 0 && (
                <ul className="operator-log">
                  {health.data.sweeper.acted_on.map((p) => (
                    <li key={p.post_id}>
                      {p.action} <code>{p.post_id}</code> in <Link to={`/operators/${p.workspace_id}`}>{p.workspace_id}</Link>
                    </li>
                  ))}
                </ul>
              )}
            </>
          ) : (
            <p className="empty-state">No run recorded in the last 3 days.</p>
          )}
        </>
      )}
    </section>
  );
}
