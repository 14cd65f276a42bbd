// The dashboard: what goes out next, what failed and why, accounts that need attention,
// and this week's counts.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { roleAllows } from "../api/people";
import { STATUS_LABELS, useAccounts } from "../accounts/api";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { retryable, retryPost, type Post } from "../posts/api";
import { allPosts, weekOf } from "../posts/fetching";

export function DashboardPage() {
  return (
    <WorkspaceGate>
      {(workspace) => <Dashboard workspaceId={workspace.id} canEdit={roleAllows(workspace.role, "editor")} />}
    </WorkspaceGate>
  );
}

const NEEDS_ATTENTION = new Set(["expiring", "needs_reconnect"]);

function Dashboard({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const base = `/v1/workspaces/${workspaceId}`;
  const [weekStart, weekEnd] = weekOf(new Date());
  const week = new URLSearchParams({ from: weekStart.toISOString(), to: weekEnd.toISOString(), limit: "200" });
  const weekPosts = useQuery({ queryKey: ["posts", workspaceId, "week", week.toString()], queryFn: () => allPosts(base, week) });
  const upcoming = useQuery({
    queryKey: ["posts", workspaceId, "upcoming"],
    queryFn: () =>
      api<{ items: Post[] }>(`${base}/posts?${new URLSearchParams({ from: new Date().toISOString(), status: "scheduled", limit: "5" })}`),
  });
  const failed = useQuery({
    queryKey: ["posts", workspaceId, "failed"],
    queryFn: () => api<{ items: Post[] }>(`${base}/posts?${new URLSearchParams({ status: "failed,partially_published", limit: "20" })}`),
  });
  const accounts = useAccounts(workspaceId);

  const count = (statuses: string[]) => (weekPosts.data ?? []).filter((p) => statuses.includes(p.status)).length;
  const attention = (accounts.data?.items ?? []).filter((a) => NEEDS_ATTENTION.has(a.status));

  return (
    <section className="dashboard">
      <h1>Dashboard</h1>
      <section aria-labelledby="week-heading">
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

      <section aria-labelledby="next-heading">
        <h2 id="next-heading">Going out next</h2>
        {upcoming.isPending && <p role="status">Loading…</p>}
        {upcoming.isError && <p role="alert">Could not load the upcoming posts: {upcoming.error.message}</p>}
        {upcoming.data && upcoming.data.items.length === 0 && (
          <p>
            Nothing is scheduled. {canEdit && <Link to="/compose">Write a post</Link>}
          </p>
        )}
        {upcoming.data && upcoming.data.items.length > 0 && (
          <ul className="upcoming">
            {upcoming.data.items.map((post) => (
              <li key={post.id}>
                <time dateTime={post.scheduled_at ?? ""}>{new Date(post.scheduled_at ?? "").toLocaleString()}</time>{" "}
                <Link to={`/posts/${post.id}`}>{post.text.slice(0, 80) || "(no text)"}</Link>{" "}
                <span className="muted">{post.targets.map((t) => t.network).join(", ")}</span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/posts">All posts</Link> · <Link to="/calendar">Calendar</Link>
        </p>
      </section>

      <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">Failed</h2>
        {failed.isPending && <p role="status">Loading…</p>}
        {failed.isError && <p role="alert">Could not load the failed posts: {failed.error.message}</p>}
        {failed.data && failed.data.items.length === 0 && <p>Nothing has failed.</p>}
        {failed.data && failed.data.items.length > 0 && (
          <ul className="failed">
            {failed.data.items.map((post) => (
              <FailedPost key={post.id} post={post} workspaceId={workspaceId} canEdit={canEdit} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="accounts-heading">
        <h2 id="accounts-heading">Accounts that need attention</h2>
        {accounts.isPending && <p role="status">Loading…</p>}
        {accounts.isError && <p role="alert">Could not load the accounts: {accounts.error.message}</p>}
        {accounts.data && attention.length === 0 && <p>Every account is connected.</p>}
        {attention.length > 0 && (
          <ul>
            {attention.map((account) => (
              <li key={account.id}>
                {account.display_name} ({account.network}): {STATUS_LABELS[account.status]}
                {account.last_error ? ` — ${account.last_error}` : ""} <Link to="/accounts">Reconnect in Accounts</Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <SystemStatus />
    </section>
  );
}

interface Health {
  status: string;
  checks: { name: string; ok: boolean; detail: string }[];
}

function SystemStatus() {
  const health = useQuery({ queryKey: ["health"], queryFn: () => api<Health>("/v1/health") });
  return (
    <section aria-labelledby="status-heading">
      <h2 id="status-heading">System status</h2>
      {health.isPending && <p role="status">Checking…</p>}
      {health.isError && <p role="alert">The API is not reachable: {health.error.message}</p>}
      {health.data && (
        <ul className="checks" aria-label="Dependency checks">
          {health.data.checks.map((check) => (
            <li key={check.name} data-ok={check.ok}>
              {check.name}: {check.ok ? "reachable" : `unreachable (${check.detail})`}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function FailedPost({ post, workspaceId, canEdit }: { post: Post; workspaceId: string; canEdit: boolean }) {
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
    <li>
      <Link to={`/posts/${post.id}`}>{post.text.slice(0, 80) || "(no text)"}</Link>
      <ul>
        {failures.map((t) => (
          <li key={t.account_id}>
            {t.network}: {t.error ?? "no reason given"}
          </li>
        ))}
      </ul>
      {canEdit && failures.length > 0 && (
        <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending || retry.isSuccess}>
          {retry.isSuccess ? "Sent again" : retry.isPending ? "Retrying…" : "Retry"}
        </button>
      )}
    </li>
  );
}
