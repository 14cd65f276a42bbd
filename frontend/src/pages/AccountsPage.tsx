import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router-dom";
import { api, ApiError } from "../api/client";
import { roleAllows } from "../api/people";
import { useWorkspace } from "../auth/session";
import "../accounts/accounts.css";
import { normaliseSlots, STATUS_LABELS, WEEKDAYS, type Account, useAccounts, type OfferedIdentity, type Slot } from "../accounts/api";
import { useNetworks } from "../api/networks";
import { NetworkIcon } from "../components/NetworkIcon";
import { TimeZoneField } from "../components/TimeZoneField";
import { plural } from "../dashboard/checklist";
import type { Network } from "../posts/api";
import { reloadQuery } from "../queryClient";
import { VerifyEmailNotice } from "../auth/VerifyEmailNotice";

export function AccountsPage() {
  const { workspace } = useWorkspace();
  if (!workspace) return <p>Loading…</p>;
  return <Accounts workspaceId={workspace.id} canManage={roleAllows(workspace.role, "admin")} />;
}

function Accounts({ workspaceId, canManage }: { workspaceId: string; canManage: boolean }) {
  const base = `/v1/workspaces/${workspaceId}/accounts`;
  const [params, setParams] = useSearchParams();
  const networks = useNetworks();
  const accounts = useAccounts(workspaceId);
  const connected = params.get("connected");
  const failure = params.get("error");
  const choose = params.get("choose");
  const names = Object.fromEntries((networks.data ?? []).map((n) => [n.id, n.name]));
  const clearParams = () => setParams({}, { replace: true });

  return (
    <section>
      <h1>Accounts</h1>
      {connected && (
        <p role="status" className="notice">
          Connected {connected.split(",").length === 1 ? "1 account" : `${connected.split(",").length} accounts`}.{" "}
          <button type="button" onClick={clearParams}>Dismiss</button>
        </p>
      )}
      {failure && (
        <p role="alert" className="form-error">
          {failure} <button type="button" onClick={clearParams}>Dismiss</button>
        </p>
      )}
      {choose && canManage && <ChooseIdentities key={choose} base={base} pendingId={choose} onDone={clearParams} />}
      {canManage && <PendingConnections base={base} names={names} current={choose} onResume={(id) => setParams({ choose: id }, { replace: true })} />}

      <h2>Your accounts</h2>
      {accounts.isPending && <p>Loading accounts…</p>}
      {accounts.isError && <p role="alert">Could not load the accounts: {accounts.error.message}</p>}
      {accounts.data && accounts.data.items.length === 0 && <p>No accounts yet. Connect one below.</p>}
      {accounts.data && accounts.data.items.length > 0 && (
        <ul className="account-list" aria-label="Connected accounts">
          {accounts.data.items.map((account) => (
            <AccountCard key={account.id} account={account} base={base} networkName={names[account.network] ?? account.network} canManage={canManage} />
          ))}
        </ul>
      )}

      {canManage ? (
        <>
          <h2>Connect an account</h2>
          <VerifyEmailNotice to="connect accounts">
            {networks.isError && <p role="alert">Could not load the networks: {networks.error.message}</p>}
            <ul className="network-grid" aria-label="Networks">
              {(networks.data ?? []).map((network) => (
                <ConnectCard key={network.id} network={network} base={base} />
              ))}
            </ul>
          </VerifyEmailNotice>
        </>
      ) : (
        <p className="muted">Owners and admins connect and manage accounts.</p>
      )}
    </section>
  );
}

/** POST connect, then leave for the network's consent page; it sends the user back here. */
function useConnect(base: string) {
  return useMutation({
    mutationFn: (body: Record<string, string>) => api<{ authorize_url?: string }>(`${base}/connect`, { method: "POST", body: { redirect_to: "/accounts", ...body } }),
    onSuccess: (result) => {
      if (result.authorize_url) window.location.assign(result.authorize_url);
    },
  });
}

function ConnectCard({ network, base }: { network: Network; base: string }) {
  const connect = useConnect(base);
  const queryClient = useQueryClient();
  const [instance, setInstance] = useState("");
  const [handle, setHandle] = useState("");
  const [password, setPassword] = useState("");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (network.id === "mastodon") connect.mutate({ network: network.id, instance_url: instance });
    else if (network.id === "bluesky")
      connect.mutate(
        { network: network.id, handle, app_password: password },
        { onSuccess: () => void reloadQuery(queryClient, ["accounts"]) },
      );
    else connect.mutate({ network: network.id });
  };
  const message = (field: string) => (connect.error instanceof ApiError ? connect.error.fieldMessage(field) : undefined);
  return (
    <li className="network-card">
      <form onSubmit={submit} aria-label={`Connect ${network.name}`}>
        <h3>
          <NetworkIcon network={network.id} size={22} /> {network.name}
        </h3>
        {network.id === "mastodon" && (
          <label>
            Instance URL
            <input type="url" required value={instance} onChange={(e) => setInstance(e.target.value)} placeholder="https://mastodon.social" />
            {message("instance_url") && <span className="field-error">{message("instance_url")}</span>}
          </label>
        )}
        {network.id === "bluesky" && (
          <>
            <label>
              Handle
              <input required value={handle} onChange={(e) => setHandle(e.target.value)} placeholder="you.bsky.social" />
              {message("handle") && <span className="field-error">{message("handle")}</span>}
            </label>
            <label>
              App password
              <input type="password" required value={password} onChange={(e) => setPassword(e.target.value)} placeholder="xxxx-xxxx-xxxx-xxxx" />
              {message("app_password") && <span className="field-error">{message("app_password")}</span>}
            </label>
          </>
        )}
        <button type="submit" className="primary" disabled={connect.isPending}>
          {connect.isPending ? "Connecting…" : `Connect ${network.name}`}
        </button>
        {connect.isError && !message("instance_url") && !message("handle") && !message("app_password") && (
          <p role="alert" className="form-error">{connect.error.message}</p>
        )}
      </form>
    </li>
  );
}

function AccountCard({ account, base, networkName, canManage }: { account: Account; base: string; networkName: string; canManage: boolean }) {
  const queryClient = useQueryClient();
  const refresh = () => reloadQuery(queryClient, ["accounts"]);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const reconnect = useConnect(base);
  const disconnect = useMutation({
    mutationFn: () => api<{ cancelled_targets: number }>(`${base}/${account.id}`, { method: "DELETE" }),
    onSuccess: () => void refresh(),
  });
  const expires = account.token_expires_at ? new Date(account.token_expires_at).toLocaleDateString() : null;
  return (
    <li className="account-card" data-status={account.status}>
      <div className="account-head">
        {account.avatar_url ? <img src={account.avatar_url} alt="" width={40} height={40} className="avatar" /> : <span className="avatar" aria-hidden="true">{account.display_name.slice(0, 1)}</span>}
        <div>
          <strong>{account.display_name}</strong>{" "}
          <span className="muted account-network">
            {account.handle ? `@${account.handle} · ` : ""}
            <NetworkIcon network={account.network} size={14} /> {networkName}
          </span>
          <p className="status">
            <span className={`badge badge-${account.status}`}>{STATUS_LABELS[account.status]}</span>
            {expires && <span className="muted"> · access until {expires}</span>}
            <span className="muted"> · {account.scheduled_posts} scheduled</span>
          </p>
          {account.last_error && account.status !== "connected" && <p className="field-error">{account.last_error}</p>}
        </div>
      </div>
      {canManage && (
        <div className="actions">
          <button type="button" onClick={() => reconnect.mutate({ network: account.network })} disabled={reconnect.isPending}>
            Reconnect {account.display_name}
          </button>
          <button type="button" onClick={() => setEditing((v) => !v)} aria-expanded={editing}>
            Posting times of {account.display_name}
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)}>
            Disconnect {account.display_name}
          </button>
        </div>
      )}
      {reconnect.isError && <p role="alert" className="form-error">{reconnect.error.message}</p>}
      {confirming && (
        <div className="confirm" role="alertdialog" aria-labelledby={`disconnect-${account.id}`}>
          <p id={`disconnect-${account.id}`}>
            Disconnect {account.display_name}? {account.scheduled_posts === 0 ? "It has no scheduled posts." : `Its ${account.scheduled_posts} scheduled ${account.scheduled_posts === 1 ? "post" : "posts"} will be cancelled.`}
          </p>
          {disconnect.isError && <p role="alert">{disconnect.error.message}</p>}
          <button type="button" className="danger" onClick={() => disconnect.mutate()} disabled={disconnect.isPending}>
            Confirm disconnect
          </button>{" "}
          <button type="button" onClick={() => setConfirming(false)}>Cancel</button>
        </div>
      )}
      {editing && <SlotsEditor account={account} base={base} onSaved={() => setEditing(false)} />}
    </li>
  );
}

function SlotsEditor({ account, base, onSaved }: { account: Account; base: string; onSaved: () => void }) {
  const queryClient = useQueryClient();
  const [slots, setSlots] = useState<Slot[]>(account.slots);
  const [timezone, setTimezone] = useState(account.timezone);
  const [weekday, setWeekday] = useState(0);
  const [time, setTime] = useState("09:00");
  const save = useMutation({
    mutationFn: () => api<Account>(`${base}/${account.id}`, { method: "PATCH", body: { slots: normaliseSlots(slots), timezone } }),
    onSuccess: () => {
      void reloadQuery(queryClient, ["accounts"]);
      onSaved();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <form className="slots-editor" onSubmit={submit} aria-label={`Posting times of ${account.display_name}`}>
      <TimeZoneField value={timezone} onChange={setTimezone} error={save.error} />
      <ul aria-label="Posting slots">
        {normaliseSlots(slots).map((slot) => (
          <li key={`${slot.weekday}-${slot.time}`}>
            {WEEKDAYS[slot.weekday]} {slot.time}{" "}
            <button type="button" onClick={() => setSlots(slots.filter((s) => s.weekday !== slot.weekday || s.time !== slot.time))}>
              Remove {WEEKDAYS[slot.weekday]} {slot.time}
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <label>
          Day
          <select value={weekday} onChange={(e) => setWeekday(Number(e.target.value))}>
            {WEEKDAYS.map((day, index) => (
              <option key={day} value={index}>{day}</option>
            ))}
          </select>
        </label>
        <label>
          Time
          <input type="time" value={time} onChange={(e) => setTime(e.target.value)} required />
        </label>
        <button type="button" onClick={() => setSlots(normaliseSlots([...slots, { weekday, time }]))}>Add slot</button>
      </div>
      {save.error instanceof ApiError && save.error.fieldMessage("slots") && <p className="field-error">{save.error.fieldMessage("slots")}</p>}
      <button type="submit" className="primary" disabled={save.isPending}>Save posting times</button>
    </form>
  );
}

function ChooseIdentities({ base, pendingId, onDone }: { base: string; pendingId: string; onDone: () => void }) {
  const queryClient = useQueryClient();
  const pending = useQuery({
    queryKey: ["pending", pendingId],
    queryFn: () => api<{ network: string; identities: OfferedIdentity[] }>(`${base}/pending/${pendingId}`),
    retry: false,
  });
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const choose = useMutation({
    mutationFn: () => api<{ connected: string[] }>(`${base}/pending/${pendingId}`, { method: "POST", body: { external_ids: [...picked] } }),
    onSuccess: () => {
      void reloadQuery(queryClient, ["accounts"]);
      // Finished: no longer waiting (before the list is read again).
      queryClient.setQueriesData<{ items: PendingConnection[] }>({ queryKey: ["pending-connections"] }, (old) =>
        old ? { items: old.items.filter((p) => p.id !== pendingId) } : old,
      );
      void reloadQuery(queryClient, ["pending-connections"]);
      onDone();
    },
  });
  if (pending.isPending) return <p>Loading what you can add…</p>;
  if (pending.isError)
    return (
      <p role="alert" className="form-error">
        {pending.error.message} <button type="button" onClick={onDone}>Dismiss</button>
      </p>
    );
  const toggle = (id: string) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  return (
    <form
      className="choose"
      aria-label="Choose accounts to add"
      onSubmit={(e) => {
        e.preventDefault();
        choose.mutate();
      }}
    >
      <h2>Choose what to add</h2>
      <fieldset>
        <legend>Pages and accounts this connection can publish as</legend>
        {pending.data.identities.map((identity) => (
          <label key={identity.external_id} className="check">
            <input type="checkbox" checked={picked.has(identity.external_id)} onChange={() => toggle(identity.external_id)} />
            {identity.name} <span className="muted">({identity.kind})</span>
          </label>
        ))}
      </fieldset>
      {choose.isError && <p role="alert" className="form-error">{choose.error.message}</p>}
      <button type="submit" className="primary" disabled={picked.size === 0 || choose.isPending}>
        Add {picked.size || ""} selected
      </button>{" "}
      <button type="button" onClick={onDone}>Not now</button>
      <p className="muted">Not now keeps this connection under “Finish connecting” until it expires.</p>
    </form>
  );
}

/** What a kind of identity is called: "2 pages", "1 organisation", "3 accounts". */
const KIND_NOUNS: Record<string, [string, string]> = {
  page: ["page", "pages"],
  organization: ["organisation", "organisations"],
  channel: ["channel", "channels"],
  business: ["account", "accounts"],
  person: ["profile", "profiles"],
};

function offeredCount(identities: OfferedIdentity[]): string {
  const kinds = new Set(identities.map((i) => i.kind));
  const [one, many] = kinds.size === 1 ? (KIND_NOUNS[[...kinds][0]] ?? ["account", "accounts"]) : ["account", "accounts"];
  return plural(identities.length, one, many);
}

interface PendingConnection {
  id: string;
  network: string;
  identities: OfferedIdentity[];
  expires_at: string;
}

/** Connections left at the "choose pages" step: listed until they expire, to finish or discard. */
function PendingConnections({
  base,
  names,
  current,
  onResume,
}: {
  base: string;
  names: Record<string, string>;
  current: string | null;
  onResume: (id: string) => void;
}) {
  const queryClient = useQueryClient();
  const pending = useQuery({
    queryKey: ["pending-connections", base],
    queryFn: () => api<{ items: PendingConnection[] }>(`${base}/pending`),
    refetchOnMount: "always",
  });
  const discard = useMutation({
    mutationFn: (id: string) => api<undefined>(`${base}/pending/${id}`, { method: "DELETE" }),
    onSettled: () => void reloadQuery(queryClient, ["pending-connections"]),
  });
  const waiting = (pending.data?.items ?? []).filter((p) => p.id !== current && new Date(p.expires_at).getTime() > Date.now());
  if (waiting.length === 0) return null;
  return (
    <section className="pending-connections" aria-labelledby="pending-heading">
      <h2 id="pending-heading">Finish connecting</h2>
      <ul className="account-list">
        {waiting.map((p) => {
          const network = names[p.network] ?? p.network;
          const until = new Date(p.expires_at).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
          return (
            <li key={p.id} className="account-card pending-card">
              <div className="account-head">
                <NetworkIcon network={p.network} size={28} />
                <div>
                  <strong>{network}</strong>: {offeredCount(p.identities)} to choose from
                  <p className="muted">
                    {p.identities.map((i) => i.name).slice(0, 3).join(", ")}
                    {p.identities.length > 3 ? "…" : ""} · waits until {until}
                  </p>
                </div>
              </div>
              <div className="actions">
                <button type="button" className="primary" onClick={() => onResume(p.id)}>
                  Finish connecting {network}
                </button>
                <button type="button" onClick={() => discard.mutate(p.id)} disabled={discard.isPending}>
                  Discard
                </button>
              </div>
            </li>
          );
        })}
      </ul>
      {discard.isError && <p role="alert" className="form-error">{discard.error.message}</p>}
    </section>
  );
}
