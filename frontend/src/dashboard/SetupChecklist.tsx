// The first-run checklist on the dashboard: four steps ticked from the workspace's data,
// each linking to where it is done; gone once all are done, or when dismissed.
import { useQuery } from "@tanstack/react-query";
import { Check, X } from "lucide-react";
import { useState } from "react";
import { Link } from "react-router-dom";
import type { Account } from "../accounts/api";
import { api } from "../api/client";
import { useMembers, type Invitation, type Page } from "../api/people";
import type { Post } from "../posts/api";
import { checklistHidden, hideChecklist, progressText, setupSteps } from "./checklist";

const DAY = 24 * 60 * 60 * 1000;

/** Whether the workspace has any post at all: drafts, or anything scheduled this past year or ahead. */
function useHasPosts(workspaceId: string) {
  const base = `/v1/workspaces/${workspaceId}/posts`;
  return useQuery({
    queryKey: ["posts", workspaceId, "any"],
    refetchOnMount: "always",
    queryFn: async () => {
      const drafts = await api<{ items: Post[] }>(`${base}?status=draft&limit=1`);
      if (drafts.items.length > 0) return true;
      const now = Date.now();
      const span = new URLSearchParams({
        from: new Date(now - 366 * DAY).toISOString(),
        to: new Date(now + 400 * DAY).toISOString(),
        limit: "1",
      });
      return (await api<{ items: Post[] }>(`${base}?${span}`)).items.length > 0;
    },
  });
}

export function SetupChecklist({ workspaceId, accounts }: { workspaceId: string; accounts: Account[] | undefined }) {
  const base = `/v1/workspaces/${workspaceId}`;
  const [hidden, setHidden] = useState(() => checklistHidden(workspaceId));
  const posts = useHasPosts(workspaceId);
  const members = useMembers(workspaceId, { fresh: true });
  const invitations = useQuery({ queryKey: ["invitations", workspaceId], queryFn: () => api<Page<Invitation>>(`${base}/invitations`) });
  if (hidden || accounts === undefined || posts.data === undefined || !members.data) return null;

  const live = accounts.filter((a) => a.status !== "disconnected");
  const pendingInvites = (invitations.data?.items ?? []).filter((i) => i.status === "pending").length;
  const steps = setupSteps({
    accounts: live.length,
    customSlots: live.some((a) => a.custom_slots),
    posts: posts.data ? 1 : 0,
    teammates: members.data.items.length - 1 + pendingInvites,
  });
  if (steps.every((s) => s.done)) return null;
  const next = steps.find((s) => !s.done);

  return (
    <section className="setup" aria-labelledby="setup-heading">
      <div className="setup-head">
        <div>
          <h2 id="setup-heading">Get started with Schedulo</h2>
          <p className="muted" id="setup-progress">{progressText(steps)}</p>
        </div>
        <button
          type="button"
          className="icon-button"
          aria-label="Hide the getting-started list"
          title="Hide this list"
          onClick={() => {
            hideChecklist(workspaceId);
            setHidden(true);
          }}
        >
          <X size={18} aria-hidden="true" />
        </button>
      </div>
      <progress className="setup-bar" max={steps.length} value={steps.filter((s) => s.done).length} aria-labelledby="setup-progress" />
      <ol className="setup-steps" aria-label="Getting started">
        {steps.map((step) => (
          <li key={step.id} data-done={step.done} data-step={step.id}>
            <span className="setup-tick" aria-hidden="true">
              {step.done ? <Check size={16} strokeWidth={3} /> : null}
            </span>
            <div className="setup-text">
              <strong>
                {step.title}
                <span className="visually-hidden">{step.done ? " (done)" : " (to do)"}</span>
              </strong>
              <span className="muted">{step.hint}</span>
            </div>
            {!step.done && (
              <Link to={step.to} className={step === next ? "button primary" : "button"}>
                {step.action}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
