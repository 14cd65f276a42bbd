import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { networkLabel } from "../components/NetworkIcon";
import { showToast } from "../components/Toasts";
import type { Media } from "../media/api";
import { retryable, retryPost, STATUS_NAMES, type Post } from "../posts/api";
import { actionsFor, duplicateBody, lastPublishedAt, listWords, unscheduleBody } from "../posts/postActions";
import { ShortLinkClicks } from "../posts/ShortLinkClicks";
import { TargetStatusList } from "../posts/TargetStatusList";
import { PostCollaboration } from "../posts/collaboration/PostCollaboration";
import { PostMetrics } from "../analytics/PostMetrics";
import { DecisionBar } from "../approvals/DecisionBar";
import { ReviewLinks } from "../approvals/ReviewLinks";
import { reloadQuery } from "../queryClient";
import { ZonedTime } from "../time/ZonedTime";
import "./post-pages.css";

// Posts a client review link may be made for: not yet out.
const REVIEWABLE = new Set(["draft", "pending_approval", "changes_requested", "approved", "scheduled", "rejected", "expired"]);

const IN_FLIGHT = new Set(["scheduled", "publishing"]);

type Asking = "delete" | "unschedule" | "cancel-rest" | "publish" | null;

export function PostPage() {
  const { postId = "" } = useParams();
  const { workspace } = useWorkspace();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [asking, setAsking] = useState<Asking>(null);
  // Deleted: not read again (it would answer 404) while the page leaves for the list.
  const [gone, setGone] = useState(false);
  const workspaceId = workspace?.id ?? "";
  const key = ["post", workspace?.id, postId];
  const post = useQuery({
    queryKey: key,
    enabled: Boolean(workspace) && !gone,
    queryFn: () => api<Post>(`/v1/workspaces/${workspace!.id}/posts/${postId}`),
    // While it is on its way, follow the publisher's progress.
    refetchInterval: (query) => (query.state.data && IN_FLIGHT.has(query.state.data.status) ? 3000 : false),
  });
  const accounts = useAccounts(workspaceId);
  const byId = new Map((accounts.data?.items ?? []).map((a) => [a.id, a]));
  const postPath = `/v1/workspaces/${workspaceId}/posts/${postId}`;

  /** Every list and page that shows posts reads them again; the activity log too. */
  const refreshLists = () => {
    void reloadQuery(queryClient, ["posts", workspaceId]);
    void queryClient.invalidateQueries({ queryKey: ["audit", workspaceId] });
    void queryClient.invalidateQueries({ queryKey: ["queue", workspaceId] });
  };
  const updated = (next: Post) => {
    queryClient.setQueryData(key, next);
    refreshLists();
  };

  const retry = useMutation({
    mutationFn: () => {
      const { path, body } = retryPost(workspaceId, postId);
      return api<Post>(path, { method: "POST", body });
    },
    onSuccess: (next) => {
      updated(next);
      showToast("Trying again on the networks that failed.");
    },
  });
  const publishNow = useMutation({
    mutationFn: () => api<Post>(`${postPath}/publish-now`, { method: "POST" }),
    onSuccess: (next) => {
      setAsking(null);
      updated(next);
      if (next.status === "pending_approval") {
        // The workspace wants a new time approved: "now" waits for its approvers.
        showToast("A new time needs approval here: the post goes out as soon as it is approved.");
        return;
      }
      const names = listWords([...new Set(next.targets.map((t) => networkLabel(t.network)))]);
      showToast(`Publishing now to ${names}.`);
    },
  });
  const unschedule = useMutation({
    mutationFn: (current: Post) => api<Post>(postPath, { method: "PATCH", body: unscheduleBody(current) }),
    onSuccess: (next) => {
      setAsking(null);
      updated(next);
      showToast("Schedule cancelled: the post is back in your drafts.");
    },
  });
  const remove = useMutation({
    mutationFn: () => api<Post | undefined>(postPath, { method: "DELETE" }),
    onSuccess: (kept) => {
      setAsking(null);
      if (kept) {
        updated(kept);
        showToast("The networks not yet published are cancelled.");
        return;
      }
      setGone(true);
      refreshLists();
      showToast("Post deleted.");
      navigate("/posts");
    },
  });
  const duplicate = useMutation({
    mutationFn: (current: Post) => api<Post>(`/v1/workspaces/${workspaceId}/posts`, { method: "POST", body: duplicateBody(current) }),
    onSuccess: (copy) => {
      queryClient.setQueryData(["post", workspaceId, copy.id], copy);
      refreshLists();
      showToast("Copy saved as a draft.", { to: `/posts/${copy.id}/edit`, label: "Edit the copy" });
      navigate(`/posts/${copy.id}`);
    },
  });

  useEffect(() => {
    // Forget the deleted post once nothing reads it: going back to it says it is gone.
    if (gone) return () => queryClient.removeQueries({ queryKey: ["post", workspaceId, postId], exact: true });
  }, [gone, queryClient, workspaceId, postId]);

  const media = useQueries({
    queries: (post.data?.media_ids ?? []).map((id) => ({
      queryKey: ["media", workspaceId, id],
      queryFn: () => api<Media>(`/v1/workspaces/${workspaceId}/media/${id}`),
      retry: false,
    })),
  });

  if (!workspace || post.isPending)
    return (
      <p role="status" aria-live="polite">
        Loading the post…
      </p>
    );
  if (post.isError) {
    const missing = post.error instanceof ApiError && post.error.status === 404;
    return (
      <section>
        <h1>Post</h1>
        <p role="alert">{missing ? "This post no longer exists: it was deleted." : `Could not load the post: ${post.error.message}`}</p>
        <Link to="/posts">All posts</Link>
      </section>
    );
  }
  const data = post.data;
  const again = retryable(data);
  const unconfirmed = again.some((t) => t.status === "unconfirmed");
  const canWrite = roleAllows(workspace.role, "editor");
  const canRetry = canWrite && again.length > 0;
  const can = actionsFor(data, canWrite);
  const published = lastPublishedAt(data);
  const busy = publishNow.isPending || unschedule.isPending || remove.isPending || duplicate.isPending;
  const pictures = media.map((m) => m.data).filter((m): m is Media => Boolean(m));
  return (
    <section className="post-page">
      <p>
        <Link to="/posts">← All posts</Link>
      </p>
      <header className="post-header">
        <div>
          <h1>Post</h1>
          <p className="post-summary">
            <strong className={`status-badge status-${data.status}`}>{STATUS_NAMES[data.status] ?? data.status}</strong>{" "}
            <Summary post={data} published={published} />
          </p>
        </div>
        {(can.edit || can.publishNow || can.duplicate) && (
          <div className="post-actions" role="group" aria-label="Post actions">
            {can.edit && (
              <Link className="button-link primary" to={`/posts/${data.id}/edit`}>
                Edit
              </Link>
            )}
            {can.publishNow && (
              <button type="button" onClick={() => setAsking("publish")} disabled={busy}>
                Publish now
              </button>
            )}
            {can.duplicate && (
              <button type="button" onClick={() => duplicate.mutate(data)} disabled={busy}>
                {duplicate.isPending ? "Duplicating…" : "Duplicate"}
              </button>
            )}
            {can.unschedule && (
              <button type="button" onClick={() => setAsking("unschedule")} disabled={busy}>
                Cancel schedule
              </button>
            )}
            {can.cancelRest && (
              <button type="button" onClick={() => setAsking("cancel-rest")} disabled={busy}>
                Cancel the rest
              </button>
            )}
            {can.delete && (
              <button type="button" className="danger" onClick={() => setAsking("delete")} disabled={busy}>
                Delete
              </button>
            )}
          </div>
        )}
      </header>
      <DecisionBar workspace={workspace} post={data} />
      <div className="post-body">
        <blockquote className="post-text">{data.text || <em>No text</em>}</blockquote>
        {data.media_ids.length > 0 && (
          <ul className="post-media" aria-label="Media">
            {pictures.map((m) => (
              <li key={m.id}>
                {m.thumbnail_url || (m.kind === "image" && m.url) ? (
                  <img src={m.thumbnail_url ?? m.url ?? ""} alt={m.alt_text || m.filename} loading="lazy" />
                ) : (
                  <span className="post-media-file">{m.filename}</span>
                )}
              </li>
            ))}
            {pictures.length < data.media_ids.length && media.some((m) => m.isPending) && <li className="post-media-file">Loading media…</li>}
          </ul>
        )}
        {data.first_comment && (
          <p className="post-first-comment">
            <span className="muted">First comment:</span> {data.first_comment}
          </p>
        )}
      </div>
      <h2>Where it goes</h2>
      <TargetStatusList targets={data.targets} accounts={byId} zone={data.timezone} scheduledAt={data.scheduled_at} />
      {canRetry && (
        <div className="retry">
          {unconfirmed && <p>Some networks may already show this post: check them before retrying, or it could appear twice.</p>}
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : `Retry ${again.length === 1 ? "the failed network" : `the ${again.length} failed networks`}`}
          </button>
          {retry.isError && <p role="alert">Could not retry: {retry.error.message}</p>}
        </div>
      )}
      <PostMetrics workspaceId={workspace.id} post={data} accounts={byId} />
      <ShortLinkClicks workspaceId={workspace.id} post={data} />
      {canWrite && REVIEWABLE.has(data.status) && <ReviewLinks workspaceId={workspace.id} postId={data.id} />}
      <PostCollaboration workspace={workspace} post={data} postKey={key} />
      {asking === "delete" && (
        <ConfirmDialog
          title="Delete this post?"
          confirmLabel={remove.isPending ? "Deleting…" : "Delete post"}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          onCancel={() => setAsking(null)}
        >
          <p>It will not be published, and it cannot be brought back.</p>
        </ConfirmDialog>
      )}
      {asking === "unschedule" && (
        <ConfirmDialog
          title="Cancel the schedule?"
          confirmLabel={unschedule.isPending ? "Cancelling…" : "Move to drafts"}
          cancelLabel="Keep it scheduled"
          busy={unschedule.isPending}
          onConfirm={() => unschedule.mutate(data)}
          onCancel={() => setAsking(null)}
        >
          <p>The post will not go out. It stays in your drafts, to schedule again later.</p>
        </ConfirmDialog>
      )}
      {asking === "cancel-rest" && (
        <ConfirmDialog
          title="Cancel the networks not yet published?"
          confirmLabel={remove.isPending ? "Cancelling…" : "Cancel them"}
          danger
          busy={remove.isPending}
          onConfirm={() => remove.mutate()}
          onCancel={() => setAsking(null)}
        >
          <p>What is already published stays online.</p>
        </ConfirmDialog>
      )}
      {asking === "publish" && (
        <ConfirmDialog
          title="Publish this post now?"
          confirmLabel={publishNow.isPending ? "Publishing…" : "Publish now"}
          cancelLabel="Not yet"
          busy={publishNow.isPending}
          onConfirm={() => publishNow.mutate()}
          onCancel={() => setAsking(null)}
        >
          <p>It goes out at once to {listWords(data.targets.map((t) => byId.get(t.account_id)?.display_name ?? networkLabel(t.network)))}.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** The post's state in a sentence: when it went out, when it goes, or that it waits. */
function Summary({ post, published }: { post: Post; published: string | null }) {
  const zone = post.timezone;
  if (published && (post.status === "published" || post.status === "partially_published"))
    return (
      <>
        Published at <ZonedTime at={published} zone={zone} />
      </>
    );
  if (post.status === "publishing") return <>Going out now…</>;
  if (post.status === "draft") return <>Not scheduled yet: only you and your team can see it.</>;
  if (!post.scheduled_at) return null;
  if (post.status === "failed")
    return (
      <>
        Was due <ZonedTime at={post.scheduled_at} zone={zone} />
      </>
    );
  return (
    <>
      Scheduled for <ZonedTime at={post.scheduled_at} zone={zone} />
    </>
  );
}
