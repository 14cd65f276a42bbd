// The approvals inbox: the posts waiting for me, the ones I submitted, everything in
// review; approve, ask for changes or reject each one here, or many at once.
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { api } from "../api/client";
import { useNetworks } from "../api/networks";
import type { Workspace } from "../api/people";
import { stepLabel, type Box } from "../approvals/api";
import { DecisionBar } from "../approvals/DecisionBar";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { STATUS_NAMES, type Post, type PostList } from "../posts/api";
import "../approvals/approvals.css";

const BOXES: { box: Box; label: string; empty: string }[] = [
  { box: "waiting", label: "Waiting for me", empty: "Nothing waits for your approval." },
  { box: "submitted", label: "I submitted", empty: "None of your posts is in review." },
  { box: "all", label: "All in review", empty: "No post is in review." },
];

interface BulkOut {
  items: { post_id: string; status: number; error: { code: string; message: string } | null }[];
  succeeded: number;
  failed: number;
}

export function ApprovalsPage() {
  return <WorkspaceGate>{(workspace) => <Approvals key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function Approvals({ workspace }: { workspace: Workspace }) {
  const [params, setParams] = useSearchParams();
  const box = (BOXES.find((b) => b.box === params.get("box"))?.box ?? "waiting") as Box;
  const list = useInfiniteQuery({
    queryKey: ["approvals", workspace.id, box],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => {
      const query = new URLSearchParams({ box, limit: "50" });
      if (pageParam) query.set("cursor", pageParam);
      return api<PostList>(`/v1/workspaces/${workspace.id}/approvals?${query}`);
    },
    getNextPageParam: (last) => last.next_cursor,
  });
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section>
      <div className="page-head">
        <div>
          <h1>Approvals</h1>
          <p className="muted">
            Posts wait here until their approvers agree. Nothing waiting is published: a post still waiting at its time
            expires, and approving it then asks for a new time.
          </p>
        </div>
        <Link to="/settings/approvals">Approval policy</Link>
      </div>
      <nav className="subnav" aria-label="Inbox">
        <ul>
          {BOXES.map((b) => (
            <li key={b.box}>
              <a
                href={`?box=${b.box}`}
                aria-current={box === b.box ? "page" : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  setParams({ box: b.box });
                }}
              >
                {b.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {list.isPending && <p className="muted">Loading…</p>}
      {list.isError && <p role="alert" className="form-error">Could not load the inbox: {list.error.message}</p>}
      {list.isSuccess && items.length === 0 && (
        <div className="empty-state">
          <p>{BOXES.find((b) => b.box === box)?.empty}</p>
        </div>
      )}
      {items.length > 0 && <Inbox workspace={workspace} posts={items} bulk={box === "waiting"} />}
      {list.hasNextPage && (
        <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

function Inbox({ workspace, posts, bulk }: { workspace: Workspace; posts: Post[]; bulk: boolean }) {
  const queryClient = useQueryClient();
  const networks = useNetworks();
  const names = Object.fromEntries((networks.data ?? []).map((n) => [n.id, n.name]));
  const [chosen, setChosen] = useState<string[]>([]);
  const [comment, setComment] = useState("");
  const commentId = useId();
  const many = useMutation({
    mutationFn: (decision: "approve" | "reject") =>
      api<BulkOut>(`/v1/workspaces/${workspace.id}/approvals/bulk`, {
        method: "POST",
        body: { decision, post_ids: chosen, comment: comment.trim() || null },
      }),
    onSuccess: () => {
      setChosen([]);
      setComment("");
      void queryClient.invalidateQueries({ queryKey: ["approvals", workspace.id] });
      void queryClient.invalidateQueries({ queryKey: ["posts", workspace.id] });
    },
  });
  const toggle = (id: string) => setChosen((c) => (c.includes(id) ? c.filter((x) => x !== id) : [...c, id]));
  return (
    <>
      {bulk && (
        <div className="inbox-tools">
          <label className="choice">
            <input
              type="checkbox"
              checked={chosen.length === posts.length}
              onChange={() => setChosen(chosen.length === posts.length ? [] : posts.map((p) => p.id))}
            />{" "}
            Select all
          </label>
          {chosen.length > 0 && (
            <>
              <label htmlFor={commentId} className="visually-hidden">
                Comment for the selected posts
              </label>
              <input id={commentId} placeholder="Comment (optional)" value={comment} onChange={(e) => setComment(e.target.value)} />
              <button type="button" className="primary" disabled={many.isPending} onClick={() => many.mutate("approve")}>
                Approve {chosen.length} selected
              </button>
              <button type="button" className="danger" disabled={many.isPending} onClick={() => many.mutate("reject")}>
                Reject {chosen.length} selected
              </button>
            </>
          )}
          {many.data && (
            <p role="status" className="notice">
              {many.data.succeeded} done{many.data.failed > 0 ? `, ${many.data.failed} refused: ${many.data.items.filter((i) => i.error).map((i) => i.error!.message).join(" ")}` : "."}
            </p>
          )}
        </div>
      )}
      <ul className="inbox-list" aria-label="Posts in review">
        {posts.map((post) => (
          <li key={post.id} className="inbox-item" data-status={post.status}>
            <article aria-label={post.text.slice(0, 60) || "Post"}>
              <div className="inbox-head">
                <div>
                  {bulk && (
                    <input
                      type="checkbox"
                      aria-label={`Select “${post.text.slice(0, 40)}”`}
                      checked={chosen.includes(post.id)}
                      onChange={() => toggle(post.id)}
                    />
                  )}{" "}
                  <span className={`status-badge status-${post.status}`}>{STATUS_NAMES[post.status] ?? post.status}</span>{" "}
                  {post.approval && post.status === "pending_approval" && <span className="muted">{stepLabel(post.approval)}</span>}
                </div>
                <span className="muted">
                  {post.scheduled_at ? new Date(post.scheduled_at).toLocaleString() : "No time yet"} ·{" "}
                  {post.targets.map((t) => names[t.network] ?? t.network).join(", ")}
                </span>
              </div>
              <p className="inbox-text">{post.text || <em>No text</em>}</p>
              <p>
                <Link to={`/posts/${post.id}`}>Open the post</Link>
              </p>
              <DecisionBar workspace={workspace} post={post} compact />
            </article>
          </li>
        ))}
      </ul>
    </>
  );
}
