// The range's numbers per network and per account, side by side, with the change from the
// previous period; a metric a network does not give reads "Not available on <network>".
import { useId } from "react";
import { NetworkIcon } from "../components/NetworkIcon";
import { delta, formatMetric, notAvailable, signed, type MetricKind } from "./format";
import { DeltaLine } from "./HeadlineCards";
import type { Summary, Totals } from "./types";

const COLUMNS: { key: keyof Totals; label: string; kind: MetricKind }[] = [
  { key: "posts_published", label: "Posts", kind: "count" },
  { key: "impressions", label: "Impressions", kind: "count" },
  { key: "engagements", label: "Engagements", kind: "count" },
  { key: "engagement_rate", label: "Engagement rate", kind: "rate" },
  { key: "followers", label: "Followers", kind: "count" },
];

interface Row {
  id: string;
  network: string;
  name: string;
  detail?: string | null;
  avatar?: string | null;
  totals: Totals;
  previous: Totals;
}

export function Breakdown({ summary, compare }: { summary: Summary; compare: boolean }) {
  const networks: Row[] = summary.networks.map((n) => ({
    id: n.network,
    network: n.network,
    name: n.name,
    totals: n.totals,
    previous: n.previous_totals,
  }));
  const accounts: Row[] = summary.accounts.map((a) => ({
    id: a.account_id,
    network: a.network,
    name: a.display_name,
    detail: a.handle ? `@${a.handle.replace(/^@/, "")}` : null,
    avatar: a.avatar_url,
    totals: a.totals,
    previous: a.previous_totals,
  }));
  if (networks.length === 0 && accounts.length === 0) return null;
  return (
    <div className="breakdowns">
      <BreakdownTable title="By network" first="Network" rows={networks} compare={compare} />
      <BreakdownTable title="By account" first="Account" rows={accounts} compare={compare} />
    </div>
  );
}

function BreakdownTable({ title, first, rows, compare }: { title: string; first: string; rows: Row[]; compare: boolean }) {
  const id = useId();
  return (
    <section className="analytics-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      <div className="table-scroll">
        <table className="table breakdown-table" aria-labelledby={id}>
          <thead>
            <tr>
              <th scope="col">{first}</th>
              {COLUMNS.map((c) => (
                <th scope="col" key={c.key}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">
                  <span className="row-name">
                    {row.avatar ? (
                      <span className="row-avatar">
                        <img src={row.avatar} alt="" width={28} height={28} />
                        <NetworkIcon network={row.network} variant="badge" size={14} className="row-avatar-badge" />
                      </span>
                    ) : (
                      <NetworkIcon network={row.network} size={18} />
                    )}
                    <span>
                      {row.name}
                      {row.detail && <span className="muted row-detail">{row.detail}</span>}
                    </span>
                  </span>
                </th>
                {COLUMNS.map((c) => {
                  const value = row.totals[c.key] as number | null;
                  if (value === null)
                    return (
                      <td key={c.key} className="na">
                        {notAvailable([row.network])}
                      </td>
                    );
                  const change =
                    c.key === "followers"
                      ? row.totals.followers_change !== null && row.totals.followers_change !== 0
                        ? {
                            text: signed(row.totals.followers_change),
                            direction: row.totals.followers_change > 0 ? ("up" as const) : ("down" as const),
                            spoken: `${signed(row.totals.followers_change)} in this period`,
                          }
                        : null
                      : compare
                        ? delta(value, row.previous[c.key] as number | null, c.kind)
                        : null;
                  return (
                    <td key={c.key}>
                      <span className="cell-value">{formatMetric(value, c.kind)}</span>
                      {change && change.direction !== "flat" && <DeltaLine change={change} />}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
