// The range's best posts by a chosen metric: a thumbnail, the start of the text (linked to
// the post's page), the account, and a link to the post live on its network.
import { ExternalLink, ImageOff } from "lucide-react";
import { useId, useState } from "react";
import { Link } from "react-router-dom";
import type { Account } from "../accounts/api";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { formatInZone } from "../time/zoned";
import { useTopPosts, type Scope } from "./api";
import { formatMetric, metricLabel, notAvailable } from "./format";
import type { DateRange } from "./ranges";
import { TOP_METRICS, type TopMetric, type TopPost } from "./types";

const DETAIL = ["impressions", "likes", "comments", "shares"] as const;
const DATE_ONLY: Intl.DateTimeFormatOptions = { day: "numeric", month: "short", hour: "numeric", minute: "2-digit" };

export function TopPosts({
  workspaceId,
  range,
  scope,
  accounts,
  zone,
}: {
  workspaceId: string;
  range: DateRange;
  scope: Scope;
  accounts: Map<string, Account>;
  zone: string;
}) {
  const id = useId();
  const [metric, setMetric] = useState<TopMetric>("engagements");
  const top = useTopPosts(workspaceId, range, metric, scope);
  // The endpoint ranks within the page's account or network filter itself.
  const items = top.data?.items ?? [];
  return (
    <section className="analytics-card top-posts" aria-labelledby={id} aria-busy={top.isFetching || undefined}>
      <div className="card-head">
        <h2 id={id}>Top posts</h2>
        <label className="inline-select">
          <span>Ranked by</span>
          <select value={metric} onChange={(e) => setMetric(e.target.value as TopMetric)}>
            {TOP_METRICS.map((m) => (
              <option key={m} value={m}>
                {metricLabel(m)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {top.isPending && <ListSkeleton />}
      {top.isError && <p role="alert">Could not load the top posts: {top.error.message}</p>}
      {top.data && items.length === 0 && (
        <p className="empty-note">
          No published posts in these dates. <Link to="/compose">Publish a post</Link> and its numbers appear here within the hour.
        </p>
      )}
      {items.length > 0 && (
        <ol className="top-list">
          {items.map((item, index) => (
            <TopPostRow key={item.target_id} item={item} rank={index + 1} metric={metric} account={accounts.get(item.account_id)} zone={zone} />
          ))}
        </ol>
      )}
    </section>
  );
}

function TopPostRow({ item, rank, metric, account, zone }: { item: TopPost; rank: number; metric: TopMetric; account?: Account; zone: string }) {
  const network = networkLabel(item.network);
  const kind = metric === "engagement_rate" ? "rate" : "count";
  const excerpt = item.excerpt.trim() || "(no text)";
  return (
    <li className="top-post">
      <span className="top-rank" aria-hidden="true">
        {rank}
      </span>
      <span className="top-thumb">
        {item.thumbnail_url ? (
          <img src={item.thumbnail_url} alt="" loading="lazy" width={64} height={64} />
        ) : (
          <ImageOff size={20} aria-hidden="true" />
        )}
      </span>
      <div className="top-body">
        <Link className="top-text" to={`/posts/${item.post_id}`}>
          {excerpt}
        </Link>
        <p className="top-meta muted">
          <NetworkIcon network={item.network} size={14} /> {account?.display_name ?? network} ·{" "}
          <time dateTime={item.published_at}>{formatInZone(item.published_at, zone, DATE_ONLY)}</time>
        </p>
        <ul className="top-metrics" aria-label="Numbers">
          {DETAIL.filter((key) => key !== metric).map((key) => {
            const value = item.metrics[key];
            return (
              <li key={key}>
                {value === null || value === undefined ? (
                  <span className="muted">
                    {metricLabel(key)}: {notAvailable([item.network]).replace(/^Not/, "not")}
                  </span>
                ) : (
                  <>
                    {metricLabel(key)}: <strong>{formatMetric(value, "count")}</strong>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </div>
      <div className="top-value">
        {item.value === null ? (
          <span className="stat-na">{notAvailable([item.network])}</span>
        ) : (
          <>
            <strong>{formatMetric(item.value, kind)}</strong>
            <span className="muted">{metricLabel(metric).toLowerCase()}</span>
          </>
        )}
        {item.url && (
          <a className="live-link" href={item.url} target="_blank" rel="noreferrer">
            View on {network}
            <ExternalLink size={14} aria-hidden="true" />
            <span className="visually-hidden"> (opens in a new tab)</span>
          </a>
        )}
      </div>
    </li>
  );
}

export function ListSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <div className="skeleton-list" aria-hidden="true">
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton skeleton-row" />
      ))}
    </div>
  );
}
