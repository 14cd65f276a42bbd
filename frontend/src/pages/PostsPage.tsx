import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
import { api } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import { networkLabel } from "../components/NetworkIcon";
import { STATUS_NAMES, type PostList } from "../posts/api";
import { postListQuery, POST_FILTERS, type PostFilters } from "../posts/postList";
import { TargetStatusList } from "../posts/TargetStatusList";
import { ZonedTime } from "../time/ZonedTime";
import "./activity.css";
import "./post-pages.css";

/** Every post, searchable and filtered by status, account, network and dates. */
export function PostsPage() {
  const { workspace } = useWorkspace();
  const workspaceId = workspace?.id ?? "";
  const [params, setParams] = useSearchParams();
  const filters: PostFilters = Object.fromEntries(POST_FILTERS.map((name) => [name, params.get(name) ?? ""])) as PostFilters;
  // The search box: the address (and the list) follow once typing pauses.
  const [typed, setTyped] = useState(filters.q);
  useEffect(() => {
    if (typed === (params.get("q") ?? "")) return;
    const timer = setTimeout(() => {
      const next = new URLSearchParams(params);
      if (typed.trim()) next.set("q", typed);
      else next.delete("q");
      setParams(next, { replace: true });
    }, 300);
    return () => clearTimeout(timer);
  }, [typed, params, setParams]);
  const set = (name: keyof PostFilters, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const clear = () => {
    setTyped("");
    setParams(new URLSearchParams(), { replace: true });
  };
  const query = postListQuery(filters, new Date());
  const accounts = useAccounts(workspaceId);
  const byId = new Map((accounts.data?.items ?? []).map((a) => [a.id, a]));
  const networks = [...new Set((accounts.data?.items ?? []).map((a) => a.network))];
  const posts = useInfiniteQuery({
    queryKey: ["posts", workspaceId, "list", query],
    enabled: Boolean(workspace),
    queryFn: ({ pageParam }) =>
      api<PostList>(`/v1/workspaces/${workspaceId}/posts?${query}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: "",
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: 15000,
  });
  const items = posts.data?.pages.flatMap((p) => p.items) ?? [];
  const filtered = POST_FILTERS.some((name) => filters[name]);
  const canWrite = workspace ? roleAllows(workspace.role, "editor") : false;
  const drafts = filters.status === "draft";
  return (
    <section className="posts-page">
      <h1>Posts</h1>
      <form className="filters" role="search" aria-label="Find posts" onSubmit={(e) => e.preventDefault()}>
        <div className="field field-grow">
          <label htmlFor="posts-q">Search</label>
          <input id="posts-q" type="search" placeholder="Words in the post" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="posts-status">Status</label>
          <select id="posts-status" value={filters.status} onChange={(e) => set("status", e.target.value)}>
            <option value="">All but drafts</option>
            <option value="scheduled">Scheduled</option>
            <option value="published">Published</option>
            <option value="failed">Failed or partly published</option>
            <option value="review">Waiting for approval</option>
            <option value="draft">Drafts</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="posts-account">Account</label>
          <select id="posts-account" value={filters.account} onChange={(e) => set("account", e.target.value)}>
            <option value="">All accounts</option>
            {(accounts.data?.items ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.display_name} ({networkLabel(a.network)})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="posts-network">Network</label>
          <select id="posts-network" value={filters.network} onChange={(e) => set("network", e.target.value)}>
            <option value="">All networks</option>
            {networks.map((n) => (
              <option key={n} value={n}>
                {networkLabel(n)}
              </option>
            ))}
          </select>
        </div>
        {!drafts && (
          <>
            <div className="field">
              <label htmlFor="posts-from">From</label>
              <input id="posts-from" type="date" value={filters.from} max={filters.to || undefined} onChange={(e) => set("from", e.target.value)} />
            </div>
            <div className="field">
              <label htmlFor="posts-to">To</label>
              <input id="posts-to" type="date" value={filters.to} min={filters.from || undefined} onChange={(e) => set("to", e.target.value)} />
            </div>
          </>
        )}
        {filtered && (
          <button type="button" className="link-button" onClick={clear}>
            Clear filters
          </button>
        )}
      </form>
      {!drafts && !filters.from && <p className="muted">Showing the last 30 days and everything coming up.</p>}
      {(!workspace || posts.isPending) && (
        <p role="status" aria-live="polite">
          Loading your posts…
        </p>
      )}
      {posts.isError && <p role="alert">Could not load your posts: {posts.error.message}</p>}
      {posts.isSuccess && items.length === 0 && (
        <div className="empty-state">
          {filtered ? (
            <>
              <p>No post matches these filters.</p>
              <button type="button" onClick={clear}>
                Clear filters
              </button>
            </>
          ) : (
            <>
              <p>No posts yet. Write one and it will show here, with how it did on each network.</p>
              {canWrite && (
                <Link className="button-link primary" to="/compose">
                  Write a post
                </Link>
              )}
            </>
          )}
        </div>
      )}
      {items.length > 0 && (
        <ul className="post-results" aria-label="Posts">
          {items.map((post) => (
            <li key={post.id} className="post-result">
              <span className="post-result-when">
                {post.scheduled_at ? <ZonedTime at={post.scheduled_at} zone={post.timezone} /> : "Draft"}
              </span>
              <div>
                <p className="post-result-text">
                  <Link to={`/posts/${post.id}`}>{post.text.length > 140 ? `${post.text.slice(0, 140).trimEnd()}…` : post.text || "(no text)"}</Link>
                </p>
                <TargetStatusList targets={post.targets} accounts={byId} scheduledAt={post.scheduled_at} compact />
              </div>
              <span className={`status-badge status-${post.status}`}>{STATUS_NAMES[post.status] ?? post.status}</span>
            </li>
          ))}
        </ul>
      )}
      {posts.hasNextPage && (
        <button type="button" onClick={() => void posts.fetchNextPage()} disabled={posts.isFetchingNextPage}>
          {posts.isFetchingNextPage ? "Loading…" : "Show more"}
        </button>
      )}
    </section>
  );
}
