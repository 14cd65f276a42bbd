// The client review page: no sign-in. Whoever holds the link sees the post as each
// network will show it and approves it or asks for changes with a comment.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { publicReviewPath, type ReviewView } from "../approvals/reviewLinks";
import { STATUS_NAMES, type PostStatus } from "../posts/api";
import { PostPreview } from "../posts/PostPreview";
import "../posts/posts.css";
import "../approvals/approvals.css";

export function ReviewPage() {
  const { token = "" } = useParams();
  const view = useQuery({
    queryKey: ["review", token],
    queryFn: () => api<ReviewView>(publicReviewPath(token)),
    retry: false,
  });
  return (
    <div className="review-page">
      <header className="review-top">
        <span className="brand">Schedulo</span>
        {view.data && <span className="muted">Review for {view.data.workspace_name}</span>}
      </header>
      <main id="main" className="review-main">
        {view.isPending && <p role="status">Loading the post…</p>}
        {view.isError && (
          <section className="review-card" aria-labelledby="review-title">
            <h1 id="review-title">This link does not work</h1>
            <p role="alert">{view.error instanceof ApiError ? view.error.message : "The post could not be loaded."}</p>
          </section>
        )}
        {view.data && <Review token={token} view={view.data} />}
      </main>
    </div>
  );
}

function Review({ token, view }: { token: string; view: ReviewView }) {
  const byNetwork = Object.fromEntries(view.networks.map((n) => [n.id, n]));
  const status = STATUS_NAMES[view.status as PostStatus] ?? view.status.replace(/_/g, " ");
  return (
    <>
      <section className="review-card" aria-labelledby="review-title">
        <h1 id="review-title">Review this post</h1>
        <p>
          <span className={`status-badge status-${view.status}`}>{status}</span>
          {view.scheduled_at && (
            <>
              {" "}
              · to be published {new Date(view.scheduled_at).toLocaleString(undefined, { dateStyle: "full", timeStyle: "short", timeZone: view.timezone })} ({view.timezone})
            </>
          )}
        </p>
        <p className="muted">
          {view.label ? `Shared with ${view.label}. ` : ""}This link works until {new Date(view.expires_at).toLocaleString()}.
        </p>
      </section>
      <section className="previews" aria-label="Previews">
        <h2>How it will look</h2>
        {view.targets.map((target, index) =>
          byNetwork[target.network] ? (
            <PostPreview
              key={index}
              workspaceId=""
              account={{ network: target.network, display_name: target.account_name, handle: target.account_handle, avatar_url: target.avatar_url }}
              network={byNetwork[target.network]}
              text={target.text}
              mediaIds={view.media.map((m) => m.id)}
              media={view.media}
            />
          ) : null,
        )}
      </section>
      {view.first_comment && (
        <section className="review-card">
          <h2>First comment</h2>
          <p className="post-text">{view.first_comment}</p>
        </section>
      )}
      <Decide token={token} view={view} />
    </>
  );
}

function Decide({ token, view }: { token: string; view: ReviewView }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [comment, setComment] = useState("");
  const decide = useMutation({
    meta: { toast: false },
    mutationFn: (decision: "approve" | "request_changes") =>
      api<ReviewView>(`${publicReviewPath(token)}/decision`, {
        method: "POST",
        body: { decision, comment: comment.trim() || null, name: name.trim() || null, version: view.version },
      }),
    onSuccess: (updated) => {
      queryClient.setQueryData(["review", token], updated);
      setComment("");
    },
  });
  const last = view.your_last_decision;
  const error = decide.error instanceof ApiError ? decide.error : null;
  function submit(event: FormEvent) {
    event.preventDefault();
  }
  return (
    <section className="review-card" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`}>Your decision</h2>
      {last && (
        <p role="status" className="notice">
          {last.decision === "approve" ? "You approved this post" : "You asked for changes"} on {new Date(last.at).toLocaleString()}.
          {last.comment && <> Your comment: “{last.comment}”</>}
        </p>
      )}
      {!view.can_decide ? (
        <p>{view.reason}</p>
      ) : (
        <form onSubmit={submit} aria-label="Approve or request changes" noValidate>
          {view.step && view.steps && view.steps > 1 && (
            <p className="muted">
              Step {view.step} of {view.steps} of the approval.
            </p>
          )}
          <div className="field">
            <label htmlFor={`${ids}-name`}>Your name (optional)</label>
            <input id={`${ids}-name`} value={name} maxLength={80} onChange={(e) => setName(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-comment`}>Comment (needed to request changes)</label>
            <textarea id={`${ids}-comment`} rows={3} value={comment} maxLength={5000} onChange={(e) => setComment(e.target.value)} />
            {error?.fieldMessage("comment") && <p className="field-error">{error.fieldMessage("comment")}</p>}
          </div>
          {error && !error.fieldMessage("comment") && (
            <p role="alert" className="form-error">
              {error.message}
              {error.status === 409 && (
                <>
                  {" "}
                  <button type="button" onClick={() => void queryClient.invalidateQueries({ queryKey: ["review", token] })}>
                    Show the latest version
                  </button>
                </>
              )}
            </p>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
              Approve
            </button>
            <button type="button" disabled={decide.isPending} onClick={() => decide.mutate("request_changes")}>
              Request changes
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
