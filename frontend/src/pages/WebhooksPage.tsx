import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useId, useState, type FormEvent } from "react";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import {
  groupEvents,
  type Delivery,
  type DeliveryState,
  type EventType,
  type Queued,
  type SecretRotated,
  type Webhook,
  type WebhookCreated,
} from "../api/webhooks";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import { Field, FormError } from "../components/Field";
import { reloadQuery } from "../queryClient";

const DEFAULT_EVENTS = ["post.published", "post.failed", "account.needs_reconnect"];

export function WebhooksPage() {
  return (
    <WorkspaceGate>
      {(workspace) =>
        roleAllows(workspace.role, "admin") ? (
          <Webhooks key={workspace.id} workspaceId={workspace.id} />
        ) : (
          <section>
            <h1>Webhooks</h1>
            <p role="alert">Only owners and admins of {workspace.name} manage its webhooks.</p>
          </section>
        )
      }
    </WorkspaceGate>
  );
}

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "never";
}

function errorText(error: unknown): string {
  return error instanceof ApiError ? error.message : String(error);
}

/** A secret shown once: copy it, then it is gone. */
function SecretPanel({ title, secret, note, onDone }: { title: string; secret: string; note?: string; onDone: () => void }) {
  const id = useId();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      (document.getElementById(id) as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div className="secret" role="status">
      <p>
        <strong>{title}</strong> Copy it now: it will not be shown again.{note ? ` ${note}` : ""}
      </p>
      <label htmlFor={id}>Signing secret</label>
      <div className="copy-row">
        <input id={id} readOnly value={secret} onFocus={(e) => e.target.select()} />
        <button type="button" className="primary" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy secret"}
        </button>
      </div>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </div>
  );
}

/** Checkboxes of every event type, grouped; declared-but-not-sent ones say so. */
function EventPicker({ types, chosen, onChange, legend }: { types: EventType[]; chosen: string[]; onChange: (events: string[]) => void; legend: string }) {
  const toggle = (type: string) => onChange(chosen.includes(type) ? chosen.filter((e) => e !== type) : [...chosen, type]);
  return (
    <fieldset className="event-picker">
      <legend>{legend}</legend>
      {groupEvents(types).map(([group, items]) => (
        <div key={group} className="event-group">
          <p className="event-group-title">{group}</p>
          {items.map((item) => (
            <label key={item.type} className="event-option">
              <input type="checkbox" checked={chosen.includes(item.type)} onChange={() => toggle(item.type)} />
              <span>
                <code>{item.type}</code>
                <span className="muted">
                  {" "}
                  {item.description}
                  {item.sent ? "" : " (coming soon)"}
                </span>
              </span>
            </label>
          ))}
        </div>
      ))}
    </fieldset>
  );
}

function Webhooks({ workspaceId }: { workspaceId: string }) {
  const queryClient = useQueryClient();
  const base = `/v1/workspaces/${workspaceId}/webhooks`;
  const hooks = useQuery({ queryKey: ["webhooks", workspaceId], queryFn: () => api<{ items: Webhook[] }>(base) });
  const types = useQuery({ queryKey: ["webhook-event-types"], queryFn: () => api<{ items: EventType[] }>("/v1/webhook-event-types"), staleTime: Infinity });
  const [adding, setAdding] = useState(false);
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<string[]>(DEFAULT_EVENTS);
  const [secret, setSecret] = useState<{ title: string; secret: string; note?: string } | null>(null);
  const refresh = useCallback(() => reloadQuery(queryClient, ["webhooks", workspaceId]), [queryClient, workspaceId]);
  const create = useMutation({
    mutationFn: () => api<WebhookCreated>(base, { method: "POST", body: { url, events, description: description || null } }),
    onSuccess: (hook) => {
      setSecret({ title: `Endpoint ${hook.url} added.`, secret: hook.secret });
      setUrl("");
      setDescription("");
      setEvents(DEFAULT_EVENTS);
      setAdding(false);
      void refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSecret(null);
    create.mutate();
  };
  return (
    <section className="webhooks">
      <div className="page-head">
        <div>
          <h1>Webhooks</h1>
          <p className="muted">
            Schedulo sends a signed JSON <code>POST</code> to your endpoints when something happens: a post published or failed, an
            account to reconnect, an import done. Signatures follow{" "}
            <a href="https://www.standardwebhooks.com" target="_blank" rel="noreferrer">
              Standard Webhooks
            </a>{" "}
            (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>); failed deliveries are retried
            for 24 hours.
          </p>
        </div>
        {!adding && (
          <button type="button" className="primary" onClick={() => setAdding(true)}>
            Add endpoint
          </button>
        )}
      </div>
      {secret && <SecretPanel {...secret} onDone={() => setSecret(null)} />}
      {adding && (
        <form className="webhook-form stack-form" onSubmit={submit} aria-label="Add a webhook endpoint">
          <h2>New endpoint</h2>
          <Field
            label="Endpoint URL"
            name="url"
            type="url"
            required
            placeholder="https://example.com/hooks/schedulo"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            error={create.error}
          />
          <Field
            label="Description (optional)"
            name="description"
            value={description}
            maxLength={300}
            onChange={(e) => setDescription(e.target.value)}
            error={create.error}
          />
          {types.data && <EventPicker legend="Events to send" types={types.data.items} chosen={events} onChange={setEvents} />}
          <FormError error={create.error} fields={["url", "description"]} />
          <div className="actions">
            <button type="submit" className="primary" disabled={create.isPending || events.length === 0}>
              {create.isPending ? "Adding…" : "Add endpoint"}
            </button>
            <button type="button" onClick={() => setAdding(false)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {hooks.isPending && <p>Loading endpoints…</p>}
      {hooks.isError && <p role="alert">Could not load the webhooks: {hooks.error.message}</p>}
      {hooks.data && hooks.data.items.length === 0 && !adding && (
        <div className="empty-state">
          <p>
            <strong>No endpoints yet.</strong>
          </p>
          <p className="muted">Add one to have your CRM, Slack bot or data warehouse hear about every post as it goes out.</p>
        </div>
      )}
      {hooks.data && hooks.data.items.length > 0 && (
        <ul className="webhook-list" aria-label="Webhook endpoints">
          {hooks.data.items.map((hook) => (
            <WebhookCard key={hook.id} hook={hook} base={base} types={types.data?.items ?? []} onSecret={setSecret} onChanged={refresh} />
          ))}
        </ul>
      )}
    </section>
  );
}

function statusOf(hook: Webhook): { label: string; className: string } {
  if (hook.active) return hook.failing_since ? { label: "Failing", className: "badge badge-expiring" } : { label: "Active", className: "badge" };
  return hook.disabled_reason ? { label: "Disabled", className: "badge badge-disconnected" } : { label: "Paused", className: "badge badge-paused" };
}

function WebhookCard({
  hook,
  base,
  types,
  onSecret,
  onChanged,
}: {
  hook: Webhook;
  base: string;
  types: EventType[];
  onSecret: (s: { title: string; secret: string; note?: string }) => void;
  onChanged: () => Promise<void>;
}) {
  const path = `${base}/${hook.id}`;
  const [panel, setPanel] = useState<"none" | "events" | "log" | "delete" | "rotate">("none");
  const [events, setEvents] = useState<string[]>(hook.events);
  const [notice, setNotice] = useState<string | null>(null);
  const label = hook.description || hook.url;
  const status = statusOf(hook);
  const toggle = (next: typeof panel) => setPanel((current) => (current === next ? "none" : next));
  const patch = useMutation({
    mutationFn: (body: Partial<Pick<Webhook, "events" | "active">>) => api<Webhook>(path, { method: "PATCH", body }),
    onSuccess: (updated) => {
      setNotice(updated.active ? "Sending events to this endpoint." : "Paused: nothing is sent until you resume.");
      setPanel("none");
      void onChanged();
    },
  });
  const remove = useMutation({
    mutationFn: () => api(path, { method: "DELETE" }),
    onSuccess: () => void onChanged(),
  });
  const rotate = useMutation({
    mutationFn: () => api<SecretRotated>(`${path}/rotate-secret`, { method: "POST" }),
    onSuccess: (rotated) => {
      setPanel("none");
      onSecret({
        title: `New secret for ${label}.`,
        secret: rotated.secret,
        note: `The previous secret keeps signing too until ${when(rotated.previous_secret_until)}.`,
      });
      void onChanged();
    },
  });
  const test = useMutation({
    mutationFn: () => api<Queued>(`${path}/test`, { method: "POST" }),
    onSuccess: () => {
      setNotice("Test event sent. It appears in the delivery log in a moment.");
      setPanel("log");
    },
  });
  return (
    <li className="webhook-card" data-active={hook.active}>
      <div className="webhook-head">
        <div className="webhook-title">
          <strong className="webhook-url">{hook.url}</strong>
          {hook.description && <span className="muted">{hook.description}</span>}
        </div>
        <span className={status.className}>{status.label}</span>
      </div>
      {hook.disabled_reason && (
        <p className="field-error">
          Turned off by Schedulo: {hook.disabled_reason} Resume it once the receiver is fixed, then redeliver what failed.
        </p>
      )}
      <ul className="event-chips" aria-label={`Events of ${label}`}>
        {hook.events.map((event) => (
          <li key={event}>
            <code>{event}</code>
          </li>
        ))}
      </ul>
      <p className="muted webhook-meta">
        Last success: {when(hook.last_success_at)}
        {hook.failing_since && <> · failing since {when(hook.failing_since)}</>}
        {hook.previous_secret_until && new Date(hook.previous_secret_until) > new Date() && (
          <> · previous secret valid until {when(hook.previous_secret_until)}</>
        )}
      </p>
      <div className="actions">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending}>
          Send test event
        </button>
        <button type="button" onClick={() => toggle("log")} aria-expanded={panel === "log"}>
          Delivery log
        </button>
        <button type="button" onClick={() => { setEvents(hook.events); toggle("events"); }} aria-expanded={panel === "events"}>
          Edit events
        </button>
        <button type="button" onClick={() => patch.mutate({ active: !hook.active })} disabled={patch.isPending}>
          {hook.active ? "Pause" : "Resume"}
        </button>
        <button type="button" onClick={() => toggle("rotate")}>
          Rotate secret
        </button>
        <button type="button" className="danger" onClick={() => toggle("delete")}>
          Delete
        </button>
      </div>
      {notice && <p role="status" className="muted">{notice}</p>}
      {(patch.isError || test.isError) && <p role="alert" className="form-error">{errorText(patch.error ?? test.error)}</p>}
      {panel === "events" && (
        <form
          className="stack-form"
          aria-label={`Events of ${label}`}
          onSubmit={(e) => {
            e.preventDefault();
            patch.mutate({ events });
          }}
        >
          <EventPicker legend="Events to send" types={types} chosen={events} onChange={setEvents} />
          <div className="actions">
            <button type="submit" className="primary" disabled={patch.isPending || events.length === 0}>
              Save events
            </button>
            <button type="button" onClick={() => setPanel("none")}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {panel === "rotate" && (
        <div className="confirm" role="alertdialog" aria-labelledby={`rotate-${hook.id}`}>
          <p id={`rotate-${hook.id}`}>
            Rotate the signing secret of {label}? For the next 24 hours every event is signed with both the old and the new secret,
            so you can update your receiver without missing any.
          </p>
          {rotate.isError && <p role="alert">{errorText(rotate.error)}</p>}
          <button type="button" className="primary" onClick={() => rotate.mutate()} disabled={rotate.isPending}>
            Rotate secret
          </button>{" "}
          <button type="button" onClick={() => setPanel("none")}>
            Cancel
          </button>
        </div>
      )}
      {panel === "delete" && (
        <div className="confirm" role="alertdialog" aria-labelledby={`delete-${hook.id}`}>
          <p id={`delete-${hook.id}`}>Delete the endpoint {label}? Nothing more is sent to it, and its delivery log can no longer be viewed.</p>
          {remove.isError && <p role="alert">{errorText(remove.error)}</p>}
          <button type="button" className="danger" onClick={() => remove.mutate()} disabled={remove.isPending}>
            Delete endpoint
          </button>{" "}
          <button type="button" onClick={() => setPanel("none")}>
            Cancel
          </button>
        </div>
      )}
      {panel === "log" && <DeliveryLog path={path} label={label} onSettled={onChanged} />}
    </li>
  );
}

const STATE_LABELS: Record<DeliveryState, string> = {
  pending: "Queued",
  retrying: "Retrying",
  succeeded: "Delivered",
  failed: "Failed",
};

function DeliveryLog({ path, label, onSettled }: { path: string; label: string; onSettled: () => Promise<void> }) {
  const queryClient = useQueryClient();
  const [filter, setFilter] = useState<"" | "failed">("");
  const key = ["webhook-deliveries", path, filter];
  const log = useQuery({
    queryKey: key,
    queryFn: () => api<{ items: Delivery[] }>(`${path}/deliveries?limit=50${filter ? `&state=${filter}` : ""}`),
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.state === "pending" || d.state === "retrying") ? 2000 : false),
  });
  const [open, setOpen] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  // When a delivery settles, the endpoint's own state (last success, failing) moves too.
  const settled = log.data?.items.filter((d) => d.state === "succeeded" || d.state === "failed").length ?? 0;
  useEffect(() => {
    if (settled > 0) void onSettled();
  }, [settled, onSettled]);
  const reload = () => reloadQuery(queryClient, key);
  const again = useMutation({
    mutationFn: (delivery: Delivery | null) =>
      api<Queued>(delivery ? `${path}/deliveries/${delivery.id}/redeliver` : `${path}/redeliver-failed`, { method: "POST" }),
    onSuccess: (queued) => {
      const n = queued.delivery_ids.length;
      setMessage(n === 0 ? "Nothing failed: nothing to redeliver." : `${n} ${n === 1 ? "delivery" : "deliveries"} queued again.`);
      void reload();
    },
  });
  return (
    <div className="delivery-log" aria-label={`Delivery log of ${label}`} role="region">
      <div className="log-head">
        <h3>Deliveries</h3>
        <div className="actions">
          <select aria-label="Show deliveries" value={filter} onChange={(e) => setFilter(e.target.value as "" | "failed")}>
            <option value="">All deliveries</option>
            <option value="failed">Failed only</option>
          </select>
          <button type="button" onClick={() => void reload()}>
            Refresh
          </button>
          <button type="button" onClick={() => again.mutate(null)} disabled={again.isPending}>
            Redeliver all failed
          </button>
        </div>
      </div>
      {message && <p role="status" className="muted">{message}</p>}
      {again.isError && <p role="alert" className="form-error">{errorText(again.error)}</p>}
      {log.isPending && <p>Loading deliveries…</p>}
      {log.isError && <p role="alert">Could not load the deliveries: {log.error.message}</p>}
      {log.data && log.data.items.length === 0 && <p className="muted">No deliveries in the last 30 days{filter ? " that failed" : ""}.</p>}
      {log.data && log.data.items.length > 0 && (
        <ul className="delivery-list">
          {log.data.items.map((delivery) => (
            <li key={delivery.id} className="delivery" data-state={delivery.state}>
              <button
                type="button"
                className="delivery-summary"
                aria-expanded={open === delivery.id}
                onClick={() => setOpen(open === delivery.id ? null : delivery.id)}
              >
                <span className={`status-badge status-${delivery.state === "succeeded" ? "published" : delivery.state}`}>
                  {STATE_LABELS[delivery.state]}
                </span>
                <code>{delivery.event_type}</code>
                <span className="muted">
                  {delivery.status_code ? `HTTP ${delivery.status_code}` : delivery.attempts ? "no answer" : "not sent yet"}
                  {delivery.latency_ms !== null && ` · ${delivery.latency_ms} ms`} · attempt {delivery.attempts}
                </span>
                <span className="muted delivery-time">{when(delivery.last_attempt_at ?? delivery.created_at)}</span>
              </button>
              {open === delivery.id && (
                <div className="delivery-detail">
                  {delivery.error && <p className="field-error">{delivery.error}</p>}
                  {delivery.next_attempt_at && <p className="muted">Next attempt: {when(delivery.next_attempt_at)}</p>}
                  <p className="muted">
                    <code>webhook-id</code> {delivery.message_id}
                  </p>
                  {delivery.history.length > 0 && (
                    <ol className="attempts" aria-label="Attempts">
                      {delivery.history.map((a) => (
                        <li key={a.attempt}>
                          Attempt {a.attempt} at {when(a.at)}: {a.status_code ? `HTTP ${a.status_code}` : a.error ?? "no answer"}
                          {a.latency_ms !== null && ` in ${a.latency_ms} ms`}
                        </li>
                      ))}
                    </ol>
                  )}
                  {delivery.response_excerpt && (
                    <>
                      <p className="event-group-title">Response (first 1 KB)</p>
                      <pre>{delivery.response_excerpt}</pre>
                    </>
                  )}
                  <p className="event-group-title">Payload</p>
                  <pre>{JSON.stringify(JSON.parse(delivery.payload), null, 2)}</pre>
                  {(delivery.state === "failed" || delivery.state === "succeeded") && (
                    <button type="button" onClick={() => again.mutate(delivery)} disabled={again.isPending}>
                      Redeliver
                    </button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
