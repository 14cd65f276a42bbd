import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";
import { api } from "../api/client";
import { roleAllows, type Workspace } from "../api/people";
import { leftWorkspace } from "../auth/session";
import { TwoFactorRequirement } from "../auth/TwoFactorRequirement";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { TimeZoneField } from "../components/TimeZoneField";
import { LinkTrackingSettings } from "../settings/LinkTracking";
import { SupportAccess } from "../operators/SupportAccess";
import { reloadQuery } from "../queryClient";

export function WorkspaceSettingsPage() {
  return <WorkspaceGate>{(workspace) => <WorkspaceSettings key={workspace.id} workspace={workspace} />}</WorkspaceGate>;
}

function WorkspaceSettings({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(workspace.name);
  const [timezone, setTimezone] = useState(workspace.timezone);
  const [confirmLeave, setConfirmLeave] = useState(false);
  const canEdit = roleAllows(workspace.role, "admin");
  const save = useMutation({
    mutationFn: () => api<Workspace>(`/v1/workspaces/${workspace.id}`, { method: "PATCH", body: { name, timezone } }),
    onSuccess: () => reloadQuery(queryClient, ["me"]),
  });
  const leave = useMutation({
    mutationFn: () => api(`/v1/workspaces/${workspace.id}/leave`, { method: "POST" }),
    onSuccess: async () => {
      await leftWorkspace(queryClient, workspace.id);
      navigate("/dashboard");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section>
      <h1>Workspace settings</h1>
      {canEdit ? (
        <form className="stack-form" onSubmit={submit} aria-label="Workspace settings">
          <Field label="Workspace name" name="name" required value={name} onChange={(e) => setName(e.target.value)} error={save.error} />
          <TimeZoneField value={timezone} onChange={setTimezone} error={save.error} />
          <FormError error={save.error} fields={["name", "timezone"]} />
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save"}
          </button>
          {save.isSuccess && <p role="status">Saved.</p>}
        </form>
      ) : (
        <dl>
          <dt>Name</dt>
          <dd>{workspace.name}</dd>
          <dt>Time zone</dt>
          <dd>{workspace.timezone}</dd>
        </dl>
      )}
      <LinkTrackingSettings workspace={workspace} />
      <TwoFactorRequirement workspace={workspace} />
      <SupportAccess workspace={workspace} />
      <h2>Leave</h2>
      <p className="muted">You are {workspace.role} of this workspace.</p>
      {!confirmLeave ? (
        <button type="button" className="danger" onClick={() => setConfirmLeave(true)}>
          Leave {workspace.name}
        </button>
      ) : (
        <div className="confirm" role="alertdialog" aria-labelledby="leave-text">
          <p id="leave-text">Leave {workspace.name}? You will need a new invitation to come back.</p>
          {leave.isError && (
            <p role="alert" className="form-error">
              {leave.error.message}
            </p>
          )}
          <button type="button" className="danger" onClick={() => leave.mutate()} disabled={leave.isPending}>
            Confirm leaving
          </button>{" "}
          <button type="button" onClick={() => setConfirmLeave(false)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
