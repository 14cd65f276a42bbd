// Settings › Approvals: the workspace's approval policy. Off; required for members below
// a role; or up to three steps, each with its approvers (roles or named members, and the
// client through a review link) and whether any one or all of them must approve.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { ROLES, roleAllows, useMembers, type Member, type Role, type Workspace } from "../api/people";
import { newStep, OFF_POLICY, type ApprovalMode, type ApprovalPolicy, type ApprovalStep, type PolicyOut } from "../approvals/api";
import { actorName } from "../approvals/DecisionBar";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { FormError } from "../components/Field";
import "../approvals/approvals.css";

export function ApprovalPolicyPage() {
  return <WorkspaceGate>{(workspace) => <PolicyLoader key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function PolicyLoader({ workspace }: { workspace: Workspace }) {
  const policy = useQuery({
    queryKey: ["approval-policy", workspace.id],
    queryFn: () => api<PolicyOut>(`/v1/workspaces/${workspace.id}/approval-policy`),
  });
  const members = useMembers(workspace.id, { fresh: true });
  if (policy.isPending || members.isPending) return <p>Loading the approval policy…</p>;
  if (policy.isError) return <p role="alert">Could not load the approval policy: {policy.error.message}</p>;
  return <PolicyForm workspace={workspace} current={policy.data} members={members.data?.items ?? []} />;
}

const MODE_LABELS: Record<ApprovalMode, string> = {
  off: "Off: posts are scheduled as soon as they are saved",
  role: "Required for posts by members below a role",
  steps: "A flow of up to three steps",
};

function PolicyForm({ workspace, current, members }: { workspace: Workspace; current: PolicyOut; members: Member[] }) {
  const ids = useId();
  const queryClient = useQueryClient();
  const canEdit = roleAllows(workspace.role, "admin");
  const [policy, setPolicy] = useState<ApprovalPolicy>(current.policy ?? OFF_POLICY);
  const [saved, setSaved] = useState(false);
  const names = Object.fromEntries(members.map((m) => [m.user_id, m.name || m.email]));
  const save = useMutation({
    meta: { toast: false },
    mutationFn: () => {
      const body: ApprovalPolicy = {
        ...policy,
        steps: policy.mode === "steps" ? policy.steps.map((s) => ({ ...s, name: s.name?.trim() || null })) : [],
        required_below: policy.mode === "role" && policy.required_below === null ? "admin" : policy.required_below,
      };
      return api<PolicyOut>(`/v1/workspaces/${workspace.id}/approval-policy`, { method: "PUT", body });
    },
    onSuccess: (out) => {
      queryClient.setQueryData(["approval-policy", workspace.id], out);
      setSaved(true);
    },
  });
  const problems = save.error instanceof ApiError ? save.error.details : [];
  const update = (changes: Partial<ApprovalPolicy>) => {
    setSaved(false);
    setPolicy((p) => ({ ...p, ...changes }));
  };
  const setStep = (index: number, changes: Partial<ApprovalStep>) =>
    update({ steps: policy.steps.map((s, i) => (i === index ? { ...s, ...changes } : s)) });

  function submit(event: FormEvent) {
    event.preventDefault();
    save.mutate();
  }

  return (
    <section>
      <h1>Approvals</h1>
      <p className="muted">
        Decide who must approve posts before they are scheduled. Posts already in review keep the steps they were submitted
        with. {canEdit ? "Every change is in the activity log." : "Only owners and admins change the policy."}
      </p>
      {current.updated_at && (
        <p className="muted">
          Last changed by {actorName(current.updated_by ?? "", names)} on {new Date(current.updated_at).toLocaleString()}.
        </p>
      )}
      <form className="webhook-form policy-form" onSubmit={submit} aria-label="Approval policy" noValidate>
        <fieldset className="event-picker" disabled={!canEdit}>
          <legend>Approval</legend>
          {(Object.keys(MODE_LABELS) as ApprovalMode[]).map((mode) => (
            <label key={mode} className="choice">
              <input
                type="radio"
                name="mode"
                checked={policy.mode === mode}
                onChange={() =>
                  update({
                    mode,
                    steps: mode === "steps" && policy.steps.length === 0 ? [newStep()] : policy.steps,
                    required_below: mode === "role" && !policy.required_below ? "admin" : policy.required_below,
                  })
                }
              />{" "}
              {MODE_LABELS[mode]}
            </label>
          ))}
        </fieldset>

        {policy.mode !== "off" && (
          <div className="field">
            <label htmlFor={`${ids}-below`}>{policy.mode === "role" ? "Posts need approval when their author is below" : "Whose posts go through the flow"}</label>
            <select
              id={`${ids}-below`}
              disabled={!canEdit}
              value={policy.required_below ?? ""}
              onChange={(e) => update({ required_below: (e.target.value || null) as Role | null })}
            >
              {policy.mode === "steps" && <option value="">Everyone's</option>}
              {(["editor", "admin", "owner"] as Role[]).map((role) => (
                <option key={role} value={role}>
                  {policy.mode === "role" ? role : `Members below ${role}`}
                </option>
              ))}
            </select>
            {policy.mode === "role" && (
              <p className="muted">Any member at or above this role approves (one is enough).</p>
            )}
          </div>
        )}

        {policy.mode === "steps" &&
          policy.steps.map((step, index) => (
            <fieldset key={index} className="policy-step" disabled={!canEdit}>
              <legend>Step {index + 1}</legend>
              <div className="field">
                <label htmlFor={`${ids}-name-${index}`}>Name (optional)</label>
                <input
                  id={`${ids}-name-${index}`}
                  value={step.name ?? ""}
                  maxLength={80}
                  placeholder={index === 0 ? "Editorial" : "Legal"}
                  onChange={(e) => setStep(index, { name: e.target.value })}
                />
              </div>
              <p className="field">
                <strong>Approvers by role</strong>
              </p>
              <div className="member-checks" role="group" aria-label={`Step ${index + 1} roles`}>
                {ROLES.map((role) => (
                  <label key={role} className="choice">
                    <input
                      type="checkbox"
                      checked={step.roles.includes(role)}
                      onChange={() =>
                        setStep(index, { roles: step.roles.includes(role) ? step.roles.filter((r) => r !== role) : [...step.roles, role] })
                      }
                    />{" "}
                    {role}s
                  </label>
                ))}
              </div>
              <p className="field">
                <strong>Named approvers</strong>
              </p>
              <div className="member-checks" role="group" aria-label={`Step ${index + 1} members`}>
                {members.map((m) => (
                  <label key={m.user_id} className="choice">
                    <input
                      type="checkbox"
                      checked={step.user_ids.includes(m.user_id)}
                      onChange={() =>
                        setStep(index, {
                          user_ids: step.user_ids.includes(m.user_id) ? step.user_ids.filter((u) => u !== m.user_id) : [...step.user_ids, m.user_id],
                        })
                      }
                    />{" "}
                    {m.name || m.email} <span className="muted">({m.role})</span>
                  </label>
                ))}
              </div>
              <label className="choice">
                <input type="checkbox" checked={step.allow_client} onChange={() => setStep(index, { allow_client: !step.allow_client })} /> The
                client's decision through a review link counts for this step
              </label>
              <div className="member-checks" role="radiogroup" aria-label={`Step ${index + 1} rule`}>
                <label className="choice">
                  <input type="radio" name={`rule-${index}`} checked={step.rule === "any"} onChange={() => setStep(index, { rule: "any" })} /> Any one
                  of them approves
                </label>
                <label className="choice">
                  <input type="radio" name={`rule-${index}`} checked={step.rule === "all"} onChange={() => setStep(index, { rule: "all" })} /> All of
                  them approve
                </label>
              </div>
              {problems
                .filter((p) => p.field.startsWith(`steps[${index}]`))
                .map((p) => (
                  <p key={p.field + p.message} className="field-error">
                    {p.message}
                  </p>
                ))}
              {policy.steps.length > 1 && canEdit && (
                <button type="button" className="danger" onClick={() => update({ steps: policy.steps.filter((_, i) => i !== index) })}>
                  Remove step {index + 1}
                </button>
              )}
            </fieldset>
          ))}
        {policy.mode === "steps" && policy.steps.length < 3 && canEdit && (
          <button type="button" onClick={() => update({ steps: [...policy.steps, newStep()] })}>
            Add a step
          </button>
        )}

        {policy.mode !== "off" && (
          <fieldset className="event-picker" disabled={!canEdit}>
            <legend>Rules</legend>
            <label className="choice">
              <input type="checkbox" checked={policy.allow_self_approval} onChange={() => update({ allow_self_approval: !policy.allow_self_approval })} />{" "}
              Authors may approve their own posts
            </label>
            <label className="choice">
              <input
                type="checkbox"
                checked={policy.reapprove_on_reschedule}
                onChange={() => update({ reapprove_on_reschedule: !policy.reapprove_on_reschedule })}
              />{" "}
              Moving an approved post to another time needs approval again (a change of content always does)
            </label>
          </fieldset>
        )}
        <FormError error={save.error} fields={problems.filter((p) => p.field.startsWith("steps[")).map((p) => p.field)} />
        {saved && (
          <p role="status" className="notice">
            The approval policy is saved.
          </p>
        )}
        {canEdit && (
          <div className="actions">
            <button type="submit" className="primary" disabled={save.isPending}>
              {save.isPending ? "Saving…" : "Save the policy"}
            </button>
          </div>
        )}
      </form>
    </section>
  );
}
