import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { roleAllows, type ApiKey, type Page, type Role } from "../api/people";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { RoleSelect } from "../components/RoleSelect";
import { reloadQuery } from "../queryClient";

const DAY_MS = 24 * 60 * 60 * 1000;
// 0: the key does not expire.
const EXPIRY_CHOICES = [
  { days: 90, label: "in 90 days" },
  { days: 30, label: "in 30 days" },
  { days: 365, label: "in a year" },
  { days: 0, label: "never" },
];

export function ApiKeysPage() {
  return (
    <WorkspaceGate>
      {(workspace) =>
        roleAllows(workspace.role, "admin") ? (
          <ApiKeys key={workspace.id} workspaceId={workspace.id} myRole={workspace.role} />
        ) : (
          <section>
            <h1>API keys</h1>
            <p role="alert">Only owners and admins of {workspace.name} manage its API keys.</p>
          </section>
        )
      }
    </WorkspaceGate>
  );
}

function ApiKeys({ workspaceId, myRole }: { workspaceId: string; myRole: Role | null }) {
  const queryClient = useQueryClient();
  const base = `/v1/workspaces/${workspaceId}/api-keys`;
  const keys = useQuery({ queryKey: ["api-keys", workspaceId], queryFn: () => api<Page<ApiKey>>(base) });
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("editor");
  const [lifetime, setLifetime] = useState(EXPIRY_CHOICES[0].days);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const refresh = () => reloadQuery(queryClient, ["api-keys", workspaceId]);
  const create = useMutation({
    mutationFn: () =>
      api<ApiKey & { secret: string }>(base, {
        method: "POST",
        body: { name, role, expires_at: lifetime ? new Date(Date.now() + lifetime * DAY_MS).toISOString() : null },
      }),
    onSuccess: (key) => {
      setCreated({ name: key.name, secret: key.secret });
      setName("");
      void refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (key: ApiKey) => api(`${base}/${key.id}`, { method: "DELETE" }),
    onSuccess: () => {
      setRevoking(null);
      void refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setCreated(null);
    create.mutate();
  };
  return (
    <section>
      <h1>API keys</h1>
      <p className="muted">
        Programs use a key as <code>Authorization: Bearer sk_…</code>. A key acts with the role it was given, never more than its
        creator's role of the moment, and stops working when its creator leaves the workspace.
      </p>
      <form className="inline-form" onSubmit={submit} aria-label="Create an API key">
        <Field label="Key name" name="name" required value={name} onChange={(e) => setName(e.target.value)} error={create.error} />
        <div className="field">
          <RoleSelect label="Key role" value={role} onChange={setRole} max={myRole} />
        </div>
        <div className="field">
          <label htmlFor="key-expiry">Expires</label>
          <select id="key-expiry" value={lifetime} onChange={(e) => setLifetime(Number(e.target.value))}>
            {EXPIRY_CHOICES.map((choice) => (
              <option key={choice.days} value={choice.days}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
        <FormError error={create.error} fields={["name", "role", "expires_at"]} />
      </form>
      {created && (
        <div className="secret" role="status">
          <p>
            Your new key <strong>{created.name}</strong>. Copy it now: it will not be shown again.
          </p>
          <label htmlFor="new-secret">Secret of {created.name}</label>
          <input id="new-secret" readOnly value={created.secret} onFocus={(e) => e.target.select()} />
          <button type="button" onClick={() => setCreated(null)}>
            I have copied it
          </button>
        </div>
      )}
      {keys.isPending && <p>Loading keys…</p>}
      {keys.isError && <p role="alert">Could not load the keys: {keys.error.message}</p>}
      {keys.data && keys.data.items.length === 0 && <p>No API keys yet.</p>}
      {keys.data && keys.data.items.length > 0 && (
        <table className="table" aria-label="API keys">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Expires</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.items.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.prefix}…</code>
                </td>
                <td>{key.role}</td>
                <td>{new Date(key.created_at).toLocaleString()}</td>
                <td>{key.last_used_at ? new Date(key.last_used_at).toLocaleString() : "never"}</td>
                <td>{key.expires_at ? new Date(key.expires_at).toLocaleString() : "never"}</td>
                <td>
                  <button type="button" className="danger" onClick={() => setRevoking(key)}>
                    Revoke {key.name}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <div className="confirm" role="alertdialog" aria-labelledby="revoke-text">
          <p id="revoke-text">Revoke the key {revoking.name}? Programs using it will get 401 from now on.</p>
          {revoke.isError && <p role="alert">{revoke.error instanceof ApiError ? revoke.error.message : "Failed."}</p>}
          <button type="button" className="danger" onClick={() => revoke.mutate(revoking)} disabled={revoke.isPending}>
            Confirm revoke
          </button>{" "}
          <button type="button" onClick={() => setRevoking(null)}>
            Cancel
          </button>
        </div>
      )}
    </section>
  );
}
