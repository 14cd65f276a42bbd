// A post's approval on its page and in the inbox: where it stands (steps, last decision)
// and, for whoever may act, approve / request changes / reject or submit for approval.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { api, ApiError } from "../api/client";
import { roleAllows, useMembers, type Workspace } from "../api/people";
import { useMe } from "../auth/session";
import { wallTime, type Post } from "../posts/api";
import {
  DECISION_WORDS,
  SUBMITTABLE,
  approversOf,
  decisionPath,
  mayDecide,
  stepLabel,
  type PolicyOut,
} from "./api";
import "./approvals.css";

type Action = "approve" | "request_changes" | "reject" | "submit";

const LABELS: Record<Action, string> = {
  approve: "Approve",
  request_changes: "Request changes",
  reject: "Reject",
  submit: "Submit for approval",
};

export function useMemberNames(workspaceId: string): Record<string, string> {
  const members = useMembers(workspaceId);
  return Object.fromEntries((members.data?.items ?? []).map((m) => [m.user_id, m.name || m.email]));
}

export function usePolicy(workspaceId: string) {
  return useQuery({
    queryKey: ["approval-policy", workspaceId],
    queryFn: () => api<PolicyOut>(`/v1/workspaces/${workspaceId}/approval-policy`),
    staleTime: 30_000,
  });
}

/** Who did it, in words: a member's name, a client link, an API key. */
export function actorName(actor: string, names: Record<string, string>): string {
  if (actor.startsWith("client:")) return "The client (review link)";
  if (actor.startsWith("api_key:")) return "An API key";
  if (actor === "system") return "Schedulo";
  return names[actor] ?? "A member";
}

export function DecisionBar({
  workspace,
  post,
  onDecided,
  compact = false,
}: {
  workspace: Workspace;
  post: Post;
  onDecided?: (post: Post) => void;
  compact?: boolean;
}) {
  const ids = useId();
  const queryClient = useQueryClient();
  const me = useMe();
  const names = useMemberNames(workspace.id);
  const policy = usePolicy(workspace.id);
  const [comment, setComment] = useState("");
  const [newTime, setNewTime] = useState(post.scheduled_at ? wallTime(post.scheduled_at, post.timezone) : "");
  const userId = me.data?.user.id ?? "";
  const state = post.approval ?? null;
  const expired = post.status === "expired";
  const canDecide = mayDecide(post, { userId, role: workspace.role });
  const canSubmit =
    roleAllows(workspace.role, "editor") && SUBMITTABLE.has(post.status) && (policy.data?.policy.mode ?? "off") !== "off";

  const act = useMutation({
    meta: { toast: false },
    mutationFn: (action: Action) => {
      const body: Record<string, unknown> = { version: post.version, comment: comment.trim() || null };
      if ((action === "approve" || action === "submit") && expired && newTime) body.when = { at: newTime, timezone: post.timezone };
      return api<Post>(decisionPath(workspace.id, post.id, action), { method: "POST", body });
    },
    onSuccess: (updated) => {
      setComment("");
      queryClient.setQueryData(["post", workspace.id, post.id], updated);
      void queryClient.invalidateQueries({ queryKey: ["posts", workspace.id] });
      void queryClient.invalidateQueries({ queryKey: ["approvals", workspace.id] });
      onDecided?.(updated);
    },
  });
  const error = act.error instanceof ApiError ? act.error : null;

  if (!state && !canSubmit) return null;
  return (
    <section className="decision-bar" aria-label="Approval" data-done={state?.approved_at ? true : undefined}>
      {!compact && <h2>Approval</h2>}
      {state && (
        <>
          <ol className="approval-steps" aria-label="Approval steps">
            {state.steps.map((step, index) => {
              const done = index < state.step || state.approved_at !== null;
              const current = index === state.step && !done && post.status !== "changes_requested" && post.status !== "rejected";
              return (
                <li key={index} data-state={done ? "done" : current ? "current" : "waiting"} title={approversOf(step, names)}>
                  {done ? "✓ " : ""}
                  {step.name || `Step ${index + 1}`}
                  <span className="visually-hidden">{done ? " (approved)" : current ? " (waiting)" : ""}</span>
                </li>
              );
            })}
          </ol>
          {state.step < state.steps.length && (post.status === "pending_approval" || expired) && (
            <p className="muted">
              {stepLabel(state)}:{" "}
              {(state.unstaffed ?? []).includes(state.step)
                ? "its approvers have left, so an owner or admin decides it"
                : `waits for ${approversOf(state.steps[state.step], names)}`}
              .
            </p>
          )}
          {state.last && state.last.decision !== "submit" && (
            <p>
              <strong>{actorName(state.last.actor, names)}</strong> {DECISION_WORDS[state.last.decision]}
              {state.last.step ? ` (step ${state.last.step})` : ""} on {new Date(state.last.at).toLocaleString()}
              {state.last.comment && <>: “{state.last.comment}”</>}
            </p>
          )}
        </>
      )}
      {expired && (canDecide || canSubmit) && (
        <div className="field">
          <label htmlFor={`${ids}-at`}>New time ({post.timezone})</label>
          <input id={`${ids}-at`} type="datetime-local" value={newTime} onChange={(e) => setNewTime(e.target.value)} />
          <p className="muted">Its time passed while it waited: approving it needs a new time.</p>
        </div>
      )}
      {(canDecide || canSubmit) && (
        <>
          <div className="field">
            <label htmlFor={`${ids}-comment`}>Comment{canDecide ? " (sent to the author)" : " (optional)"}</label>
            <textarea id={`${ids}-comment`} rows={2} value={comment} maxLength={5000} onChange={(e) => setComment(e.target.value)} />
          </div>
          <div className="actions">
            {canDecide &&
              (["approve", "request_changes", "reject"] as Action[]).map((action) => (
                <button
                  key={action}
                  type="button"
                  className={action === "approve" ? "primary" : action === "reject" ? "danger" : undefined}
                  disabled={act.isPending}
                  onClick={() => act.mutate(action)}
                >
                  {LABELS[action]}
                </button>
              ))}
            {canSubmit && (
              <button type="button" className="primary" disabled={act.isPending} onClick={() => act.mutate("submit")}>
                {LABELS.submit}
              </button>
            )}
          </div>
        </>
      )}
      {error && (
        <p role="alert" className="form-error">
          {error.message}
          {error.status === 409 && (
            <>
              {" "}
              <button
                type="button"
                onClick={() => {
                  void queryClient.invalidateQueries({ queryKey: ["post", workspace.id, post.id] });
                  void queryClient.invalidateQueries({ queryKey: ["approvals", workspace.id] });
                }}
              >
                Reload the post
              </button>
            </>
          )}
        </p>
      )}
    </section>
  );
}
