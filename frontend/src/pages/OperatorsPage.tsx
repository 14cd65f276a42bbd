import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useParams, useSearchParams } from "react-router-dom";
import type { Me } from "../api/people";
import { useMe } from "../auth/session";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Field } from "../components/Field";
import { NetworkIcon, networkLabel } from "../components/NetworkIcon";
import { errorMessage, showError, showToast } from "../components/Toasts";
import {
  runTenantAction,
  useOperatorLog,
  useTenant,
  useTenantSearch,
  when,
  type Tenant,
  type TenantAction,
} from "../operators/api";
import { HealthPanel } from "../operators/Health";
import "../operators/operators.css";

/** The operators' console: find a tenant, see it (metadata unless it granted support
 * access), suspend it, force an account to reconnect, set its feature flags. */
export function OperatorsPage() {
  const me = useMe();
  const { workspaceId } = useParams();
  if (me.isPending) return <p role="status">Loading…</p>;
  if (!(me.data as (Me & { operator?: boolean }) | undefined)?.operator) {
    return (
      <section>
        <h1>Operators</h1>
        <p>This page is for the people who run this Schedulo.</p>
      </section>
    );
  }
  return (
    <section className="operators">
      <div className="page-head">
        <div>
          <h1>Operators</h1>
          <p className="muted">Every search, view and action here is recorded in the operators' log and in the workspace's activity.</p>
        </div>
      </div>
      {workspaceId ? <TenantDetail id={workspaceId} /> : <TenantSearch />}
    </section>
  );
}

function TenantSearch() {
  const [params, setParams] = useSearchParams();
  const asked = params.get("q");
  const [q, setQ] = useState(asked ?? "");
  const found = useTenantSearch(asked);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setParams({ q: q.trim() });
  };
  return (
    <>
      <form className="inline-form" role="search" aria-label="Workspaces" onSubmit={submit}>
        <Field
          label="Workspace name, id or a member's email"
          name="q"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          error={found.error}
        />
        <button type="submit" className="primary">
          Search
        </button>
      </form>
      {found.isError && <p role="alert">{errorMessage(found.error)}</p>}
      {found.isFetching && <p role="status">Searching…</p>}
      {found.data && (
        <>
          <h2 className="visually-hidden">Results</h2>
          {found.data.items.length === 0 ? (
            <p className="empty-state">No workspace matches “{asked}”.</p>
          ) : (
            <ul className="tenant-list">
              {found.data.items.map((t) => (
                <li key={t.id}>
                  <Link to={`/operators/${t.id}`}>{t.name}</Link>
                  <span className="muted"> {t.id}</span>
                  <span className="muted"> · since {when(t.created_at)}</span>
                  {t.suspended && <span className="status-badge status-failed">Suspended</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <HealthPanel />
      <OperatorLog after={found.dataUpdatedAt} />
    </>
  );
}

const ACTIONS: Record<string, string> = {
  "operator.searched": "searched",
  "operator.viewed": "viewed",
  "workspace.suspended": "suspended",
  "workspace.unsuspended": "lifted the suspension of",
  "workspace.flags_set": "set the feature flags of",
  "account.reconnect_forced": "forced an account to reconnect in",
  "billing.trial_extended": "extended the trial of",
};

/** The latest actions of every operator, newest first. */
function OperatorLog({ after }: { after: number }) {
  const log = useOperatorLog(after);
  return (
    <section aria-labelledby="operator-log-title">
      <h2 id="operator-log-title">Operators' log</h2>
      {log.isPending && <p role="status">Loading…</p>}
      {log.isError && <p role="alert">{errorMessage(log.error)}</p>}
      {log.data && log.data.items.length === 0 && <p className="empty-state">Nothing yet.</p>}
      {log.data && log.data.items.length > 0 && (
        <ul className="operator-log">
          {log.data.items.map((e, index) => (
            <li key={`${e.at}-${index}`}>
              <span className="muted">{when(e.at)}</span> <code>{e.operator_id}</code> {ACTIONS[e.action] ?? e.action}{" "}
              {e.workspace_id ? (
                <Link to={`/operators/${e.workspace_id}`}>{e.workspace_id}</Link>
              ) : (
                <q>{String(e.details.q ?? "")}</q>
              )}
              {typeof e.details.reason === "string" && <span className="muted"> — {e.details.reason}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const DONE: Record<TenantAction["kind"], (t: Tenant) => string> = {
  suspend: (t) => `${t.name} is suspended.`,
  unsuspend: (t) => `${t.name} is no longer suspended.`,
  reconnect: () => "The account must be reconnected.",
  flags: (t) => `${t.name}'s feature flags are saved.`,
  trial: (t) => `${t.name}'s trial now ends ${when(t.trial_ends_at)}.`,
};

type Pending = { action: TenantAction; title: string; body: string; confirm: string; danger: boolean };

function TenantDetail({ id }: { id: string }) {
  const tenant = useTenant(id);
  const queryClient = useQueryClient();
  const [pending, setPending] = useState<Pending | null>(null);
  const act = useMutation({
    mutationFn: (action: TenantAction) => runTenantAction(id, action),
    onSuccess: (fresh, action) => {
      queryClient.setQueryData(["admin", "workspace", id], fresh);
      void queryClient.invalidateQueries({ queryKey: ["admin", "workspaces"] });
      void queryClient.invalidateQueries({ queryKey: ["admin", "log"] });
      showToast(`${DONE[action.kind](fresh)} Recorded in the operators' log and the workspace's activity.`);
      setPending(null);
    },
    onError: (error) => {
      showError(errorMessage(error));
      setPending(null);
    },
  });
  if (tenant.isPending) return <p role="status">Loading the workspace…</p>;
  if (tenant.isError) return <p role="alert">{errorMessage(tenant.error)}</p>;
  const t = tenant.data;
  return (
    <div className="tenant">
      <p>
        <Link to="/operators">← Find another workspace</Link>
      </p>
      <h2>{t.name}</h2>
      <dl className="tenant-facts">
        <div>
          <dt>Workspace id</dt>
          <dd>
            <code>{t.id}</code>
          </dd>
        </div>
        <div>
          <dt>Plan</dt>
          <dd>
            {t.plan}
            {t.billing_status && <span className="muted"> ({t.billing_status.replace("_", " ")})</span>}
          </dd>
        </div>
        {t.trial_ends_at && (
          <div>
            <dt>Trial ends</dt>
            <dd>{when(t.trial_ends_at)}</dd>
          </div>
        )}
        <div>
          <dt>Created</dt>
          <dd>{when(t.created_at)}</dd>
        </div>
        <div>
          <dt>Time zone</dt>
          <dd>{t.timezone}</dd>
        </div>
      </dl>
      {t.suspended && (
        <p className="tenant-suspended" role="status">
          Suspended since {when(t.suspended.at)}: {t.suspended.reason}
        </p>
      )}
      <p className="muted">
        {t.content_shown
          ? `Support access granted until ${when(t.support_access_until)}: posts' text is shown.`
          : "No support access: metadata only (posts' text and failure reasons are hidden)."}
      </p>

      <h3>Last 30 days</h3>
      <dl className="counts">
        <div>
          <dt>Scheduled</dt>
          <dd>{t.counts.scheduled}</dd>
        </div>
        <div>
          <dt>Published</dt>
          <dd>{t.counts.published}</dd>
        </div>
        <div>
          <dt>Failed</dt>
          <dd>{t.counts.failed}</dd>
        </div>
      </dl>

      <SuspendForm key={t.suspended ? "lift" : "suspend"} tenant={t} busy={act.isPending} onAsk={setPending} />
      <TrialForm tenant={t} busy={act.isPending} onAsk={setPending} />

      <h3>Members</h3>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Joined</th>
            </tr>
          </thead>
          <tbody>
            {t.members.map((m) => (
              <tr key={m.user_id}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>{m.role}</td>
                <td>{when(m.joined_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h3>Accounts</h3>
      {t.accounts.length === 0 ? (
        <p className="empty-state">No connected accounts.</p>
      ) : (
        <ReconnectTable tenant={t} busy={act.isPending} onAsk={setPending} />
      )}

      <h3>Recent failures</h3>
      {t.recent_failures.length === 0 ? (
        <p className="empty-state">No failures in the last 30 days.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Network</th>
                <th scope="col">Kind</th>
                <th scope="col">Post / target</th>
                {t.content_shown && <th scope="col">Reason</th>}
              </tr>
            </thead>
            <tbody>
              {t.recent_failures.map((f) => (
                <tr key={f.target_id}>
                  <td>{when(f.at)}</td>
                  <td>
                    <NetworkIcon network={f.network} /> {networkLabel(f.network)}
                  </td>
                  <td>
                    <span className={`status-badge status-${f.kind}`}>{f.kind}</span>
                  </td>
                  <td>
                    <code>{f.post_id}</code> / <code>{f.target_id}</code>
                  </td>
                  {t.content_shown && <td>{f.reason}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h3>Recent posts</h3>
      {t.recent_posts.length === 0 ? (
        <p className="empty-state">No posts in the last 30 days or the next 30.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Status</th>
                <th scope="col">Networks</th>
                <th scope="col">{t.content_shown ? "Text" : "Media"}</th>
              </tr>
            </thead>
            <tbody>
              {t.recent_posts.map((p) => (
                <tr key={p.post_id}>
                  <td>{when(p.scheduled_at)}</td>
                  <td>
                    <span className={`status-badge status-${p.status}`}>{p.status.replace("_", " ")}</span>
                  </td>
                  <td>{p.networks.map(networkLabel).join(", ")}</td>
                  <td>{t.content_shown ? <span className="post-text-cell">{p.text}</span> : `${p.media_count} media`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <FlagsForm tenant={t} busy={act.isPending} onAsk={setPending} />

      {pending && (
        <ConfirmDialog
          title={pending.title}
          confirmLabel={pending.confirm}
          cancelLabel="Cancel"
          danger={pending.danger}
          busy={act.isPending}
          onConfirm={() => act.mutate(pending.action)}
          onCancel={() => setPending(null)}
        >
          <p>{pending.body}</p>
        </ConfirmDialog>
      )}
    </div>
  );
}

function SuspendForm({ tenant, busy, onAsk }: { tenant: Tenant; busy: boolean; onAsk: (p: Pending) => void }) {
  const [reason, setReason] = useState("");
  const suspended = !!tenant.suspended;
  const tooShort = reason.trim().length < 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (tooShort) return;
    onAsk(
      suspended
        ? {
            action: { kind: "unsuspend", reason: reason.trim() },
            title: `Lift the suspension of ${tenant.name}?`,
            body: "Its posts can be created and published again. Posts refused meanwhile stay failed; its people may retry them.",
            confirm: "Lift the suspension",
            danger: false,
          }
        : {
            action: { kind: "suspend", reason: reason.trim() },
            title: `Suspend ${tenant.name}?`,
            body: `Nothing will publish and no post can be created or changed until it is lifted. Its people see why: “${reason.trim()}”.`,
            confirm: "Suspend workspace",
            danger: true,
          },
    );
  };
  return (
    <form className="stack-form tenant-action" aria-label={suspended ? "Lift the suspension" : "Suspend"} onSubmit={submit}>
      <h3>{suspended ? "Lift the suspension" : "Suspend"}</h3>
      <Field
        label={suspended ? "Why it is lifted" : "Reason (shown to the workspace's people)"}
        name="reason"
        value={reason}
        minLength={3}
        maxLength={500}
        required
        onChange={(e) => setReason(e.target.value)}
      />
      <button type="submit" className={suspended ? "primary" : "danger"} disabled={busy || tooShort}>
        {suspended ? "Lift the suspension…" : "Suspend workspace…"}
      </button>
    </form>
  );
}

/** More days of the workspace's trial (from now when it ended); billing answers 409 when
 * there is no trial to extend (billing off, or a paid subscription). */
function TrialForm({ tenant, busy, onAsk }: { tenant: Tenant; busy: boolean; onAsk: (p: Pending) => void }) {
  const [days, setDays] = useState("7");
  const [reason, setReason] = useState("");
  const count = Number(days);
  const valid = Number.isInteger(count) && count >= 1 && count <= 90 && reason.trim().length >= 3;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!valid) return;
    onAsk({
      action: { kind: "trial", days: count, reason: reason.trim() },
      title: `Extend ${tenant.name}'s trial by ${count} day${count === 1 ? "" : "s"}?`,
      body: tenant.trial_ends_at
        ? `It ends ${when(tenant.trial_ends_at)} now; the days are added to that.`
        : "Its trial has ended or it has none: the days count from now.",
      confirm: "Extend trial",
      danger: false,
    });
  };
  return (
    <form className="stack-form tenant-action" aria-label="Extend the trial" onSubmit={submit}>
      <h3>Extend the trial</h3>
      <Field label="Days (1–90)" name="days" type="number" min={1} max={90} value={days} required onChange={(e) => setDays(e.target.value)} />
      <Field label="Why" name="trial-reason" value={reason} minLength={3} maxLength={500} required onChange={(e) => setReason(e.target.value)} />
      <button type="submit" className="primary" disabled={busy || !valid}>
        Extend trial…
      </button>
    </form>
  );
}

function ReconnectTable({ tenant, busy, onAsk }: { tenant: Tenant; busy: boolean; onAsk: (p: Pending) => void }) {
  return (
    <div className="table-scroll">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Account</th>
            <th scope="col">Status</th>
            <th scope="col">Token expires</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {tenant.accounts.map((a) => (
            <tr key={a.id}>
              <td>
                <NetworkIcon network={a.network} label={networkLabel(a.network)} /> {a.display_name}
                {a.handle && <span className="muted"> {a.handle}</span>}
              </td>
              <td>
                <span className={`badge badge-${a.status}`}>{a.status.replace("_", " ")}</span>
                {a.last_error && <div className="muted">{a.last_error}</div>}
              </td>
              <td>{when(a.token_expires_at)}</td>
              <td>
                {a.status === "connected" && (
                  <button
                    type="button"
                    disabled={busy}
                    aria-label={`Force ${a.display_name} to reconnect`}
                    onClick={() =>
                      onAsk({
                        action: { kind: "reconnect", accountId: a.id, reason: "Schedulo support asked for a fresh connection." },
                        title: `Force ${a.display_name} to reconnect?`,
                        body: "Its posts stop publishing until someone in the workspace reconnects it; they are told so.",
                        confirm: "Force reconnect",
                        danger: true,
                      })
                    }
                  >
                    Force reconnect
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function FlagsForm({ tenant, busy, onAsk }: { tenant: Tenant; busy: boolean; onAsk: (p: Pending) => void }) {
  const [flags, setFlags] = useState<Record<string, boolean>>(tenant.feature_flags);
  const [added, setAdded] = useState("");
  const names = Object.keys(flags).sort();
  const validName = /^[a-z][a-z0-9_]{0,39}$/.test(added);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onAsk({
      action: { kind: "flags", flags },
      title: `Save ${tenant.name}'s feature flags?`,
      body: names.length ? names.map((n) => `${n}: ${flags[n] ? "on" : "off"}`).join(", ") : "No flags.",
      confirm: "Save flags",
      danger: false,
    });
  };
  return (
    <form className="tenant-action" aria-label="Feature flags" onSubmit={submit}>
      <h3>Feature flags</h3>
      {names.length === 0 && <p className="muted">No flags set: the workspace has the defaults.</p>}
      <ul className="flag-list">
        {names.map((name) => (
          <li key={name}>
            <label>
              <input type="checkbox" checked={flags[name]} onChange={(e) => setFlags({ ...flags, [name]: e.target.checked })} />{" "}
              <code>{name}</code>
            </label>{" "}
            <button
              type="button"
              aria-label={`Remove ${name}`}
              onClick={() => {
                const rest = { ...flags };
                delete rest[name];
                setFlags(rest);
              }}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      {tenant.beta_features.length > 0 && (
        <p className="muted">
          In beta on this deployment (off unless its flag is on):{" "}
          {tenant.beta_features.map((name, index) => (
            <span key={name}>
              {index > 0 && ", "}
              <code>{name}</code>
              {!(name in flags) && (
                <>
                  {" "}
                  <button type="button" aria-label={`Turn ${name} on`} onClick={() => setFlags({ ...flags, [name]: true })}>
                    Turn on
                  </button>
                </>
              )}
            </span>
          ))}
        </p>
      )}
      <div className="inline-form">
        <Field
          label="New flag (lowercase, e.g. ai_plans)"
          name="flag"
          value={added}
          onChange={(e) => setAdded(e.target.value.trim())}
        />
        <button
          type="button"
          disabled={!validName || added in flags}
          onClick={() => {
            setFlags({ ...flags, [added]: true });
            setAdded("");
          }}
        >
          Add flag
        </button>
      </div>
      <button type="submit" className="primary" disabled={busy}>
        Save flags…
      </button>
    </form>
  );
}
