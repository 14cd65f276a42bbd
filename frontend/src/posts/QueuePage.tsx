// The queue: each account's upcoming slots and what fills them; add to the queue, and
// reorder by swapping two queued posts' times.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useAccounts, type Account } from "../accounts/api";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { showToast } from "../components/Toasts";
import { wallTime, type Post } from "./api";
import { allPosts } from "./fetching";

interface NextSlots {
  account_id: string;
  timezone: string;
  items: { at: string; local: string }[];
}

export function QueuePage() {
  return (
    <WorkspaceGate>
      {(workspace) => <Queue workspaceId={workspace.id} canEdit={roleAllows(workspace.role, "editor")} />}
    </WorkspaceGate>
  );
}

function Queue({ workspaceId, canEdit }: { workspaceId: string; canEdit: boolean }) {
  const base = `/v1/workspaces/${workspaceId}`;
  const accounts = useAccounts(workspaceId);
  const active = (accounts.data?.items ?? []).filter((a) => a.status !== "disconnected");
  return (
    <section className="queue">
      <h1>Queue</h1>
      {accounts.isPending && <p role="status">Loading…</p>}
      {accounts.isError && <p role="alert">Could not load the accounts: {accounts.error.message}</p>}
      {accounts.data && active.length === 0 && (
        <p>
          No accounts yet. <Link to="/accounts">Connect an account</Link> to give it posting slots.
        </p>
      )}
      {active.map((account) => (
        <AccountQueue key={account.id} account={account} base={base} workspaceId={workspaceId} canEdit={canEdit} />
      ))}
    </section>
  );
}

/** The instant `iso` as the API's `when`, written in the post's own time zone. */
function at(iso: string, timezone: string) {
  return { at: `${wallTime(iso, timezone)}:00`, timezone };
}

type Row = { at: string; post: Post | null };

function AccountQueue({ account, base, workspaceId, canEdit }: { account: Account; base: string; workspaceId: string; canEdit: boolean }) {
  const queryClient = useQueryClient();
  const [from] = useState(() => new Date().toISOString());
  const slots = useQuery({
    queryKey: ["queue", workspaceId, account.id],
    queryFn: () => api<NextSlots>(`${base}/queue/next-slots?${new URLSearchParams({ account_id: account.id, count: "5" })}`),
  });
  const postsKey = ["posts", workspaceId, "queue", account.id];
  const posts = useQuery({
    queryKey: postsKey,
    queryFn: () => allPosts(base, new URLSearchParams({ account_id: account.id, status: "scheduled", from, limit: "200" })),
  });
  const swap = useMutation({
    meta: { toast: false },
    mutationFn: async ([a, b]: [Post, Post]) => {
      const first = await api<Post>(`${base}/posts/${a.id}`, {
        method: "PATCH",
        body: { version: a.version, when: at(b.scheduled_at!, a.timezone) },
      });
      try {
        await api<Post>(`${base}/posts/${b.id}`, {
          method: "PATCH",
          body: { version: b.version, when: at(a.scheduled_at!, b.timezone) },
        });
      } catch (error) {
        // Put the first post back so no two posts are left sharing one time.
        await api<Post>(`${base}/posts/${a.id}`, {
          method: "PATCH",
          body: { version: first.version, when: at(a.scheduled_at!, a.timezone) },
        });
        throw error;
      }
    },
    onError: (error) =>
      showToast(
        error instanceof ApiError && error.status === 409
          ? "Someone changed one of these posts meanwhile; the queue now shows the latest order. Try again."
          : `The posts were not reordered: ${error.message}`,
      ),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["posts", workspaceId] }),
  });

  const rows: Row[] = [
    ...(posts.data ?? []).filter((p) => p.scheduled_at).map((post) => ({ at: post.scheduled_at!, post })),
    ...(slots.data?.items ?? []).map((slot) => ({ at: slot.at, post: null })),
  ].sort((x, y) => x.at.localeCompare(y.at));
  const filled = rows.filter((r) => r.post).map((r) => r.post!);
  const headingId = `queue-${account.id}`;

  return (
    <section className="account-queue" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {account.display_name} <span className="muted">({account.network})</span>
      </h2>
      {account.slots.length === 0 && (
        <p>
          This account has no posting slots. <Link to="/accounts">Set its slots in Accounts</Link>.
        </p>
      )}
      {(slots.isPending || posts.isPending) && <p role="status">Loading…</p>}
      {slots.isError && <p role="alert">Could not load the slots: {slots.error.message}</p>}
      {posts.isError && <p role="alert">Could not load the queued posts: {posts.error.message}</p>}
      {slots.data && posts.data && rows.length === 0 && <p>Nothing queued and no free slots ahead.</p>}
      {rows.length > 0 && (
        <ol className="queue-list" aria-label={`Queue of ${account.display_name}`}>
          {rows.map((row) => {
            const when = new Date(row.at).toLocaleString(undefined, { timeZone: account.timezone });
            if (!row.post) {
              return (
                <li key={`slot-${row.at}`} className="slot free">
                  <time dateTime={row.at}>{when}</time> <span className="muted">Free slot</span>
                </li>
              );
            }
            const post = row.post;
            const index = filled.indexOf(post);
            return (
              <li key={post.id} className="slot filled">
                <time dateTime={row.at}>{when}</time>{" "}
                <Link to={`/posts/${post.id}/edit`}>{post.text.slice(0, 80) || "(no text)"}</Link>
                {canEdit && (
                  <span className="reorder">
                    <button
                      type="button"
                      aria-label={`Move “${post.text.slice(0, 30)}” earlier`}
                      disabled={index === 0 || swap.isPending}
                      onClick={() => swap.mutate([post, filled[index - 1]])}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      aria-label={`Move “${post.text.slice(0, 30)}” later`}
                      disabled={index === filled.length - 1 || swap.isPending}
                      onClick={() => swap.mutate([post, filled[index + 1]])}
                    >
                      ↓
                    </button>
                  </span>
                )}
              </li>
            );
          })}
        </ol>
      )}
      {canEdit && account.slots.length > 0 && (
        <p>
          <Link to={`/compose?mode=queue&account=${account.id}`}>Add to {account.display_name}'s queue</Link>
        </p>
      )}
    </section>
  );
}
