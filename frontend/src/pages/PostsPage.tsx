import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { useWorkspace } from "../auth/session";
import type { PostList } from "../posts/api";
import { TargetStatusList } from "../posts/TargetStatusList";

const DAY = 24 * 3600 * 1000;

/** Recent and coming posts, each with the status of every network it goes to. */
export function PostsPage() {
  const { workspace } = useWorkspace();
  const from = new Date(Date.now() - 30 * DAY).toISOString().slice(0, 10);
  const posts = useQuery({
    queryKey: ["posts", workspace?.id, from],
    enabled: Boolean(workspace),
    queryFn: () => api<PostList>(`/v1/workspaces/${workspace!.id}/posts?from=${from}&limit=100`),
    refetchInterval: 15000,
  });
  return (
    <section>
      <h1>Posts</h1>
      {(!workspace || posts.isPending) && <p>Loading posts…</p>}
      {posts.isError && <p role="alert">Could not load the posts: {posts.error.message}</p>}
      {posts.isSuccess && posts.data.items.length === 0 && <p>No posts in the last 30 days or scheduled ahead.</p>}
      {posts.isSuccess && posts.data.items.length > 0 && (
        <table className="table" aria-label="Posts">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Post</th>
              <th scope="col">Status</th>
              <th scope="col">Networks</th>
            </tr>
          </thead>
          <tbody>
            {posts.data.items.map((post) => (
              <tr key={post.id}>
                <td>{post.scheduled_at ? new Date(post.scheduled_at).toLocaleString() : "Draft"}</td>
                <td>
                  <Link to={`/posts/${post.id}`}>{post.text.slice(0, 80) || "(no text)"}</Link>
                </td>
                <td>
                  <span className={`status-badge status-${post.status}`}>{post.status.replace("_", " ")}</span>
                </td>
                <td>
                  <TargetStatusList targets={post.targets} compact />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
