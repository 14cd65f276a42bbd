// The Analytics page (loaded on its own when opened): a date range with presets and the
// previous period to compare with, the headline numbers, a chart over time, the numbers per
// network and per account, the top posts, each account's best times, CSV and PDF downloads.
// The range, the filters and the comparison live in the address, so a view can be shared.
import { ChartColumn } from "lucide-react";
import { lazy, Suspense, useMemo } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
import { roleAllows, type Workspace } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { networkLabel } from "../components/NetworkIcon";
import { useSummary, type Scope } from "./api";
import { listWords } from "./format";
import { BestTimes } from "./BestTimes";
import { Breakdown } from "./Breakdown";
import { Downloads } from "./Downloads";
import { HeadlineCards } from "./HeadlineCards";
import { previousRange, rangeFromParams, rangeLabel, todayIn, type DateRange, type PresetId } from "./ranges";
import { RangePicker } from "./RangePicker";
import { TopPosts } from "./TopPosts";
import "./parts.css";
import "./analytics.css";

// The chart library is most of this page's code: it loads beside the numbers (asked for as
// soon as the page's own code runs), so the cards and tables show without waiting for it.
const loadChart = () => import("./TrendChart");
const TrendChart = lazy(async () => ({ default: (await loadChart()).TrendChart }));
void loadChart();

export function AnalyticsPage() {
  return <WorkspaceGate>{(workspace) => <Analytics key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function Analytics({ workspace }: { workspace: Workspace }) {
  const [params, setParams] = useSearchParams();
  const zone = workspace.timezone || "UTC";
  const today = todayIn(zone);
  const { preset, range: parsed } = rangeFromParams(params, today);
  const range = useMemo<DateRange>(() => parsed, [parsed.from, parsed.to]);
  const compare = params.get("compare") !== "0";
  const networkFilter = params.get("network") ?? "";
  const accountFilter = params.get("account") ?? "";
  const scope: Scope = { network: networkFilter || undefined, account_id: accountFilter || undefined };

  const accounts = useAccounts(workspace.id);
  const summary = useSummary(workspace.id, range, scope);
  const active = (accounts.data?.items ?? []).filter((a) => a.status !== "disconnected");
  const byId = new Map((accounts.data?.items ?? []).map((a) => [a.id, a]));
  const networks = [...new Set(active.map((a) => a.network))];
  const paused = active.filter((a) => a.status === "needs_reconnect");
  const inScope = active.filter((a) => (!networkFilter || a.network === networkFilter) && (!accountFilter || a.id === accountFilter));

  function change(next: Record<string, string | null>) {
    const updated = new URLSearchParams(params);
    for (const [key, value] of Object.entries(next)) {
      if (value === null || value === "") updated.delete(key);
      else updated.set(key, value);
    }
    setParams(updated, { replace: true });
  }

  const previous = summary.data?.previous ?? previousRange(range);
  const data = summary.data;
  const nothingPublished = data && data.totals.posts_published === 0;
  const noAccounts = accounts.data && active.length === 0;

  return (
    <section className="analytics" aria-labelledby="analytics-title">
      <header className="analytics-head">
        <div>
          <h1 id="analytics-title">Analytics</h1>
          {!noAccounts && (
            <p className="muted">
              {rangeLabel(range)}
              {compare && <> · compared with {rangeLabel(previous)}</>} · days in {zone.replace(/_/g, " ")} time
            </p>
          )}
          {!noAccounts && compare && data?.previous_limited && (
            <p className="muted analytics-limited" role="note">
              {data.previous_limited.message}
            </p>
          )}
        </div>
        {!noAccounts && <Downloads workspaceId={workspace.id} range={range} />}
      </header>

      {noAccounts ? (
        <div className="empty-state analytics-empty">
          <ChartColumn size={32} aria-hidden="true" />
          <h2>See how your posts do</h2>
          <p>Connect an account and publish a post: its impressions, engagements and followers appear here within the hour.</p>
          <Link className="button-link primary" to="/accounts">
            Connect an account
          </Link>
        </div>
      ) : (
        <>
          <div className="analytics-controls">
            <RangePicker
              preset={preset}
              range={range}
              previous={previous}
              compare={compare}
              onPreset={(p: Exclude<PresetId, "custom">) => change({ range: p === "28d" ? null : p, from: null, to: null })}
              onCustom={(r) => change({ range: null, from: r.from, to: r.to })}
              onCompare={(on) => change({ compare: on ? null : "0" })}
            />
            <div className="analytics-filters">
              <label className="inline-select">
                <span>Network</span>
                <select value={networkFilter} onChange={(e) => change({ network: e.target.value, account: null })}>
                  <option value="">All networks</option>
                  {networks.map((n) => (
                    <option key={n} value={n}>
                      {networkLabel(n)}
                    </option>
                  ))}
                </select>
              </label>
              <label className="inline-select">
                <span>Account</span>
                <select value={accountFilter} onChange={(e) => change({ account: e.target.value })}>
                  <option value="">All accounts</option>
                  {active
                    .filter((a) => !networkFilter || a.network === networkFilter)
                    .map((a) => (
                      <option key={a.id} value={a.id}>
                        {a.display_name} ({networkLabel(a.network)})
                      </option>
                    ))}
                </select>
              </label>
            </div>
          </div>

          {paused.length > 0 && (
            <p className="best-note" role="note">
              {listWords(paused.map((a) => a.display_name))} {paused.length === 1 ? "needs" : "need"} reconnecting: {paused.length === 1 ? "its" : "their"}{" "}
              numbers stop updating until then. <Link to="/accounts">Reconnect</Link>
            </p>
          )}
          {summary.isError && (
            <div className="analytics-error" role="alert">
              <p>Could not load the numbers: {summary.error.message}</p>
              <button type="button" onClick={() => summary.refetch()}>
                Try again
              </button>
            </div>
          )}
          {summary.isPending && <SummarySkeleton />}
          {data && (
            <div className="analytics-body" aria-busy={summary.isFetching || undefined}>
              {nothingPublished && (
                <p className="empty-note analytics-nothing">
                  Nothing was published in these dates. <Link to="/compose">Publish a post</Link> and its numbers appear here
                  within the hour.
                </p>
              )}
              <HeadlineCards summary={data} compare={compare} />
              <Suspense fallback={<div className="skeleton skeleton-chart" aria-hidden="true" />}>
                <TrendChart summary={data} />
              </Suspense>
              <Breakdown summary={data} compare={compare} />
            </div>
          )}
          <TopPosts workspaceId={workspace.id} range={range} scope={scope} accounts={byId} zone={zone} />
          {accounts.data && (
            <BestTimes workspaceId={workspace.id} accounts={inScope.length ? inScope : active} canApply={roleAllows(workspace.role, "admin")} />
          )}
        </>
      )}
      <p className="visually-hidden" role="status" aria-live="polite">
        {summary.isFetching ? "Loading the numbers" : data ? `Showing ${rangeLabel(range)}` : ""}
      </p>
    </section>
  );
}

function SummarySkeleton() {
  return (
    <div aria-hidden="true" className="analytics-skeleton">
      <div className="stat-cards">
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="skeleton skeleton-card" />
        ))}
      </div>
      <div className="skeleton skeleton-chart" />
    </div>
  );
}
