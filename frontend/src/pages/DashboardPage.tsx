// The dashboard: the first-run checklist, what goes out next, what failed and why,
// accounts that need attention, and this week's counts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";
import { Link } from "react-router-dom";
import { STATUS_LABELS, useAccounts, type Account } from "../accounts/api";
import { api } from "../api/client";
import { useNetworkName } from "../api/networks";
import { roleAllows, type Me } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { useMe } from "../auth/session";
import { NetworkIcon } from "../components/NetworkIcon";
import "../dashboard/dashboard.css";
import { SetupChecklist } from "../dashboard/SetupChecklist";
import { plural } from "../dashboard/checklist";
import { retryable, retryPost, type Post } from "../posts/api";
import { allPosts, weekOf } from "../posts/fetching";

export function DashboardPage() {
  return (
    <WorkspaceGate>
      {(workspace) => (
        <Dashboard
          workspaceId={workspace.id}
          canEdit={roleAllows(workspace.role, "editor")}
          canManage={roleAllows(workspace.role, "admin")}
        />
      )}
    </WorkspaceGate>
  );
}

const NEEDS_ATTENTION = new Set(["expiring", "needs_reconnect"]);
/** How far back the Failed list looks: failures are in the past, so it asks from a start. */
const FAILED_DAYS = 30;

function Dashboard({ workspaceId, canEdit, canManage }: { workspaceId: string; canEdit: boolean; canManage: boolean }) {
  const base = `/v1/workspaces/${workspaceId}`;
  const [weekStart, weekEnd] = weekOf(new Date());
  const week = new URLSearchParams({ from: weekStart.toISOString(), to: weekEnd.toISOString(), limit: "200" });
  const weekPosts = useQuery({ queryKey: ["posts", workspaceId, "week", week.toString()], queryFn: () => allPosts(base, week) });
  const upcoming = useQuery({
    queryKey: ["posts", workspaceId, "upcoming"],
    refetchOnMount: "always",
    queryFn: () =>
      api<{ items: Post[] }>(`${base}/posts?${new URLSearchParams({ from: new Date().toISOString(), status: "scheduled", limit: "5" })}`),
  });
  const failed = useQuery({
    queryKey: ["posts", workspaceId, "failed"],
    refetchOnMount: "always",
    queryFn: async () => {
      const since = new Date(Date.now() - FAILED_DAYS * 24 * 60 * 60 * 1000);
      const query = new URLSearchParams({ from: since.toISOString(), status: "failed,partially_published", limit: "50" });
      // Oldest first from the API: the newest failure is what to read first.
      return (await api<{ items: Post[] }>(`${base}/posts?${query}`)).items.reverse();
    },
  });
  const accounts = useAccounts(workspaceId);
  const me = useMe();
  const networkName = useNetworkName();

  const count = (statuses: string[]) => (weekPosts.data ?? []).filter((p) => statuses.includes(p.status)).length;
  const accountList = accounts.data?.items ?? [];
  const attention = accountList.filter((a) => NEEDS_ATTENTION.has(a.status));
  const networksOf = (post: Post) => [...new Set(post.targets.map((t) => t.network))];

  return (
    <section className="dashboard">
      <h1>Dashboard</h1>
      {canManage && <SetupChecklist workspaceId={workspaceId} accounts={accounts.data?.items} />}

      <section className="dash-card" aria-labelledby="week-heading">
        <h2 id="week-heading">This week</h2>
        {weekPosts.isPending && <p role="status">Loading…</p>}
        {weekPosts.isError && <p role="alert">Could not load this week's posts: {weekPosts.error.message}</p>}
        {weekPosts.data && (
          <dl className="counts">
            <div><dt>Scheduled</dt><dd>{count(["scheduled", "approved", "publishing"])}</dd></div>
            <div><dt>Published</dt><dd>{count(["published", "partially_published"])}</dd></div>
            <div><dt>Failed</dt><dd>{count(["failed"])}</dd></div>
          </dl>
        )}
      </section>

      <div className="dash-grid">
        <section className="dash-card" aria-labelledby="next-heading">
          <h2 id="next-heading">Going out next</h2>
          {upcoming.isPending && <p role="status">Loading…</p>}
          {upcoming.isError && <p role="alert">Could not load the upcoming posts: {upcoming.error.message}</p>}
          {upcoming.data && upcoming.data.items.length === 0 && (
            <div className="empty-state">
              <p>Nothing is scheduled.</p>
              {canEdit && <Link to="/compose" className="a-button primary">Write a post</Link>}
            </div>
          )}
          {upcoming.data && upcoming.data.items.length > 0 && (
            <ul className="dash-list upcoming">
              {upcoming.data.items.map((post) => (
                <li key={post.id}>
                  <span className="networks" aria-label={networksOf(post).map(networkName).join(", ")} role="img">
                    {networksOf(post).map((n) => <NetworkIcon key={n} network={n} size={16} />)}
                  </span>
                  <span>
                    <time dateTime={post.scheduled_at ?? ""}>{new Date(post.scheduled_at ?? "").toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}</time>{" "}
                    <Link to={`/posts/${post.id}`}>{post.text.slice(0, 80) || "(no text)"}</Link>
                  </span>
                </li>
              ))}
            </ul>
          )}
          <p className="dash-links">
            <Link to="/posts">All posts</Link> <Link to="/calendar">Calendar</Link>
          </p>
        </section>

        <section className="dash-card" aria-labelledby="failed-heading">
          <h2 id="failed-heading">Failed</h2>
          <p className="muted">The last {FAILED_DAYS} days.</p>
          {failed.isPending && <p role="status">Loading…</p>}
          {failed.isError && <p role="alert">Could not load the failed posts: {failed.error.message}</p>}
          {failed.data && failed.data.length === 0 && <p>Nothing has failed.</p>}
          {failed.data && failed.data.length > 0 && (
            <ul className="dash-list failed">
              {failed.data.slice(0, 10).map((post) => (
                <FailedPost key={post.id} post={post} workspaceId={workspaceId} canEdit={canEdit} networkName={networkName} />
              ))}
            </ul>
          )}
          {failed.data && failed.data.length > 10 && <p className="muted">and {plural(failed.data.length - 10, "more failed post")}.</p>}
        </section>
      </div>

      <section className="dash-card" aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts</h2>
        <AccountsSummary
          pending={accounts.isPending}
          error={accounts.isError ? accounts.error.message : null}
          accounts={accountList}
          attention={attention}
          canManage={canManage}
          networkName={networkName}
        />
      </section>

      {me.data && (me.data as Me & { operator?: boolean }).operator && <SystemStatus />}
    </section>
  );
}

function AccountsSummary({
  pending,
  error,
  accounts,
  attention,
  canManage,
  networkName,
}: {
  pending: boolean;
  error: string | null;
  accounts: Account[];
  attention: Account[];
  canManage: boolean;
  networkName: (id: string) => string;
}) {
  if (pending) return <p role="status">Loading…</p>;
  if (error) return <p role="alert">Could not load the accounts: {error}</p>;
  const live = accounts.filter((a) => a.status !== "disconnected");
  if (live.length === 0)
    return (
      <div className="empty-state">
        <p>No account is connected yet: connect one to start scheduling.</p>
        {canManage ? (
          <Link to="/accounts" className="a-button primary">Connect your first account</Link>
        ) : (
          <p className="muted">An owner or admin of this workspace connects accounts.</p>
        )}
      </div>
    );
  if (attention.length === 0)
    return (
      <p>
        <CheckCircle2 size={16} aria-hidden="true" color="var(--ok)" /> {live.length === 1 ? "Your account is connected." : `All ${live.length} accounts are connected.`}{" "}
        <Link to="/accounts">Manage accounts</Link>
      </p>
    );
  return (
    <ul className="dash-list">
      {attention.map((account) => (
        <li key={account.id}>
          <AlertTriangle size={16} aria-hidden="true" color="var(--danger)" />
          <span>
            <NetworkIcon network={account.network} size={16} /> <strong>{account.display_name}</strong> ({networkName(account.network)}): {STATUS_LABELS[account.status]}
            {account.last_error ? `. ${account.last_error}` : ""} <Link to="/accounts">Reconnect in Accounts</Link>
          </span>
        </li>
      ))}
    </ul>
  );
}

interface Health {
  status: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

/** What each dependency check is, in words. */
const CHECK_NAMES: Record<string, string> = {
  dynamodb: "Database (DynamoDB)",
  s3: "Media storage (S3)",
};

/** For operators only: whether the API reaches what it depends on. */
function SystemStatus() {
  const health = useQuery({ queryKey: ["health"], queryFn: () => api<Health>("/v1/health") });
  const allOk = health.data?.checks.every((c) => c.ok);
  return (
    <section className="dash-card system-status" aria-labelledby="status-heading">
      <h2 id="status-heading">System status</h2>
      <p className="muted">Shown to operators of this Schedulo only.</p>
      {health.isPending && <p role="status">Checking…</p>}
      {health.isError && <p role="alert">The API is not reachable: {health.error.message}</p>}
      {health.data && (
        <>
          <p>{allOk ? "Everything Schedulo depends on is working." : "Something Schedulo depends on is not working."}</p>
          <ul className="checks" aria-label="Dependency checks">
            {health.data.checks.map((check) => (
              <li key={check.name} data-ok={check.ok}>
                {check.ok ? <CheckCircle2 size={16} aria-hidden="true" /> : <XCircle size={16} aria-hidden="true" />}
                {CHECK_NAMES[check.name] ?? check.name}: {check.ok ? "working" : `not reachable (${check.detail})`}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function FailedPost({
  post,
  workspaceId,
  canEdit,
  networkName,
}: {
  post: Post;
  workspaceId: string;
  canEdit: boolean;
  networkName: (id: string) => string;
}) {
  const queryClient = useQueryClient();
  const retry = useMutation({
    mutationFn: () => {
      const request = retryPost(workspaceId, post.id);
      return api<Post>(request.path, { method: "POST", body: request.body });
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] }),
  });
  const failures = retryable(post);
  return (
    <li className="failed-post">
      <span className="failed-when">
        {post.scheduled_at ? (
          <time dateTime={post.scheduled_at}>{new Date(post.scheduled_at).toLocaleString([], { dateStyle: "medium", timeStyle: "short" })}</time>
        ) : null}
      </span>
      <Link to={`/posts/${post.id}`}>{post.text.slice(0, 80) || "(no text)"}</Link>
      <ul className="failed-reasons">
        {failures.map((t) => (
          <li key={t.account_id}>
            <NetworkIcon network={t.network} size={14} />
            <span>
              {/* The reason usually names the network already ("X refused the post…"). */}
              {t.error?.startsWith(networkName(t.network)) ? t.error : `${networkName(t.network)}: ${t.error ?? "no reason given"}`}
            </span>
          </li>
        ))}
      </ul>
      {canEdit && failures.length > 0 && (
        <span>
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending || retry.isSuccess}>
            {retry.isSuccess ? "Sent again" : retry.isPending ? "Retrying…" : "Retry"}
          </button>
        </span>
      )}
    </li>
  );
}
