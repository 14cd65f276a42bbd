import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api } from "../api/client";
import { roleAllows, useMembers, type Invitation, type Member, type Page, type Role } from "../api/people";
import { useMe } from "../auth/session";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { RoleSelect } from "../components/RoleSelect";
import { reloadQuery } from "../queryClient";
import { VerifyEmailNotice } from "../auth/VerifyEmailNotice";

type Pending = { kind: "role"; member: Member; role: Role } | { kind: "remove"; member: Member };

export function MembersPage() {
  return (
    <WorkspaceGate>
      {(workspace) => <Members key={workspace.id} workspaceId={workspace.id} myRole={workspace.role} workspaceName={workspace.name} />}
    </WorkspaceGate>
  );
}

function Members({ workspaceId, myRole, workspaceName }: { workspaceId: string; myRole: Role | null; workspaceName: string }) {
  const queryClient = useQueryClient();
  const me = useMe();
  const base = `/v1/workspaces/${workspaceId}`;
  const canManage = roleAllows(myRole, "admin");
  const members = useMembers(workspaceId, { fresh: true });
  const invitations = useQuery({
    queryKey: ["invitations", workspaceId],
    queryFn: () => api<Page<Invitation>>(`${base}/invitations`),
    enabled: canManage,
  });
  const [pending, setPending] = useState<Pending | null>(null);
  const refresh = () => {
    void reloadQuery(queryClient, ["members", workspaceId]);
    void reloadQuery(queryClient, ["invitations", workspaceId]);
    void reloadQuery(queryClient, ["me"]);
  };
  const apply = useMutation({
    mutationFn: (change: Pending) =>
      change.kind === "role"
        ? api<Member>(`${base}/members/${change.member.user_id}`, { method: "PATCH", body: { role: change.role } })
        : api<undefined>(`${base}/members/${change.member.user_id}`, { method: "DELETE" }),
    onSuccess: (_, change) => {
      // Show the outcome at once; the refetch confirms it.
      queryClient.setQueryData<Page<Member>>(["members", workspaceId], (page) =>
        page && {
          ...page,
          items:
            change.kind === "role"
              ? page.items.map((m) => (m.user_id === change.member.user_id ? { ...m, role: change.role } : m))
              : page.items.filter((m) => m.user_id !== change.member.user_id),
        },
      );
      setPending(null);
      refresh();
    },
  });
  const [revoking, setRevoking] = useState<{ id: string; email: string } | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => api(`${base}/invitations/${id}`, { method: "DELETE" }),
    onSuccess: () => {
      setRevoking(null);
      refresh();
    },
  });
  const myId = me.data?.user.id;

  return (
    <section>
      <h1>Members</h1>
      <p className="muted">People in {workspaceName} and what each may do.</p>
      {canManage && (
        <VerifyEmailNotice to="invite people">
          <InviteForm base={base} myRole={myRole} onInvited={refresh} />
        </VerifyEmailNotice>
      )}
      {members.isPending && <p>Loading members…</p>}
      {members.isError && <p role="alert">Could not load the members: {members.error.message}</p>}
      {members.data && (
        <table className="table" aria-label="Members">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {canManage && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.items.map((member) => (
              <tr key={member.user_id}>
                <td>
                  {member.name}
                  {member.user_id === myId && " (you)"}
                </td>
                <td>{member.email}</td>
                <td>
                  {canManage ? (
                    <RoleSelect
                      label={`Role of ${member.name}`}
                      hideLabel
                      value={member.role}
                      max={myRole}
                      onChange={(role) => role !== member.role && setPending({ kind: "role", member, role })}
                    />
                  ) : (
                    member.role
                  )}
                </td>
                {canManage && (
                  <td>
                    <button type="button" className="danger" onClick={() => setPending({ kind: "remove", member })}>
                      Remove {member.name}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending && (
        <div className="confirm" role="alertdialog" aria-labelledby="confirm-text">
          <p id="confirm-text">
            {pending.kind === "role"
              ? `Change ${pending.member.name}'s role from ${pending.member.role} to ${pending.role}?`
              : `Remove ${pending.member.name} (${pending.member.email}) from ${workspaceName}?`}
          </p>
          {apply.isError && (
            <p role="alert" className="form-error">
              {apply.error.message}
            </p>
          )}
          <button type="button" className={pending.kind === "remove" ? "danger" : "primary"} onClick={() => apply.mutate(pending)} disabled={apply.isPending}>
            {pending.kind === "role" ? "Confirm role change" : "Confirm removal"}
          </button>{" "}
          <button
            type="button"
            onClick={() => {
              setPending(null);
              apply.reset();
            }}
          >
            Cancel
          </button>
        </div>
      )}
      {canManage && (
        <>
          <h2>Invitations</h2>
          {invitations.isPending && <p>Loading invitations…</p>}
          {invitations.isError && <p role="alert">Could not load the invitations: {invitations.error.message}</p>}
          {invitations.data && invitations.data.items.length === 0 && <p>No invitations sent yet.</p>}
          {invitations.data && invitations.data.items.length > 0 && (
            <table className="table" aria-label="Invitations">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Status</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {invitations.data.items.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.role}</td>
                    <td>{invitation.status}</td>
                    <td>{new Date(invitation.expires_at).toLocaleString()}</td>
                    <td>
                      {invitation.status === "pending" && (
                        <button type="button" onClick={() => setRevoking({ id: invitation.id, email: invitation.email })}>
                          Revoke invitation to {invitation.email}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {revoking && (
            <div className="confirm" role="alertdialog" aria-labelledby="revoke-invitation-text">
              <p id="revoke-invitation-text">Revoke the invitation to {revoking.email}? Its link stops working.</p>
              {revoke.isError && <p role="alert">{revoke.error.message}</p>}
              <button type="button" className="danger" onClick={() => revoke.mutate(revoking.id)} disabled={revoke.isPending}>
                Confirm revoke
              </button>{" "}
              <button type="button" onClick={() => setRevoking(null)}>
                Cancel
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}

function InviteForm({ base, myRole, onInvited }: { base: string; myRole: Role | null; onInvited: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [sentTo, setSentTo] = useState<string | null>(null);
  const invite = useMutation({
    mutationFn: () => api<Invitation>(`${base}/invitations`, { method: "POST", body: { email, role } }),
    onSuccess: (invitation) => {
      setSentTo(invitation.email);
      setEmail("");
      onInvited();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSentTo(null);
    invite.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Invite someone">
      <Field label="Email to invite" name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={invite.error} />
      <div className="field">
        <RoleSelect label="Role" value={role} onChange={setRole} max={myRole} />
      </div>
      <button type="submit" className="primary" disabled={invite.isPending}>
        {invite.isPending ? "Sending…" : "Send invitation"}
      </button>
      <FormError error={invite.error} fields={["email", "role"]} />
      {sentTo && <p role="status">Invitation sent to {sentTo}.</p>}
    </form>
  );
}
