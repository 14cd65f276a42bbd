import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { retryable, retryPost, STATUS_NAMES, type Post } from "../posts/api";
import { TargetStatusList } from "../posts/TargetStatusList";
import { PostCollaboration } from "../posts/collaboration/PostCollaboration";
import { DecisionBar } from "../approvals/DecisionBar";
import { ReviewLinks } from "../approvals/ReviewLinks";

// Posts a client review link may be made for: not yet out.
const REVIEWABLE = new Set(["draft", "pending_approval", "changes_requested", "approved", "scheduled", "rejected", "expired"]);

const IN_FLIGHT = new Set(["scheduled", "publishing"]);

export function PostPage() {
  const { postId = "" } = useParams();
  const { workspace } = useWorkspace();
  const queryClient = useQueryClient();
  const key = ["post", workspace?.id, postId];
  const post = useQuery({
    queryKey: key,
    enabled: Boolean(workspace),
    queryFn: () => api<Post>(`/v1/workspaces/${workspace!.id}/posts/${postId}`),
    // While it is on its way, follow the publisher's progress.
    refetchInterval: (query) => (query.state.data && IN_FLIGHT.has(query.state.data.status) ? 3000 : false),
  });
  const retry = useMutation({
    mutationFn: () => {
      const { path, body } = retryPost(workspace!.id, postId);
      return api<Post>(path, { method: "POST", body });
    },
    onSuccess: (updated) => {
      queryClient.setQueryData(key, updated);
      void queryClient.invalidateQueries({ queryKey: ["posts", workspace?.id] });
    },
  });
  if (!workspace || post.isPending) return <p>Loading the post…</p>;
  if (post.isError) {
    const missing = post.error instanceof ApiError && post.error.status === 404;
    return (
      <section>
        <h1>Post</h1>
        <p role="alert">{missing ? "This post does not exist (or was cancelled)." : `Could not load the post: ${post.error.message}`}</p>
        <Link to="/posts">All posts</Link>
      </section>
    );
  }
  const data = post.data;
  const again = retryable(data);
  const unconfirmed = again.some((t) => t.status === "unconfirmed");
  const canRetry = roleAllows(workspace.role, "editor") && again.length > 0;
  return (
    <section>
      <p>
        <Link to="/posts">← All posts</Link>
      </p>
      <h1>Post</h1>
      <p>
        Status: <strong className={`status-badge status-${data.status}`}>{STATUS_NAMES[data.status] ?? data.status}</strong>
        {data.scheduled_at && <> · scheduled for {new Date(data.scheduled_at).toLocaleString()}</>}
      </p>
      <DecisionBar workspace={workspace} post={data} />
      <blockquote className="post-text">{data.text || <em>No text</em>}</blockquote>
      <h2>Networks</h2>
      <TargetStatusList targets={data.targets} />
      {canRetry && (
        <div className="retry">
          {unconfirmed && (
            <p>
              Some networks may already show this post: check them before retrying, or it could appear twice.
            </p>
          )}
          <button type="button" onClick={() => retry.mutate()} disabled={retry.isPending}>
            {retry.isPending ? "Retrying…" : `Retry ${again.length === 1 ? "the failed network" : `the ${again.length} failed networks`}`}
          </button>
          {retry.isError && <p role="alert">Could not retry: {retry.error.message}</p>}
        </div>
      )}
      {roleAllows(workspace.role, "editor") && REVIEWABLE.has(data.status) && <ReviewLinks workspaceId={workspace.id} postId={data.id} />}
      <PostCollaboration workspace={workspace} post={data} postKey={key} />
    </section>
  );
}
