import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { relativeTime } from "../activity/describe";
import { changePassword, endOtherSessions, endSession, listSessions, requestEmailChange, sendVerification, type Session } from "../auth/identity";
import { useMe } from "../auth/session";
import { TwoFactorPanel } from "../auth/TwoFactorPanel";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Field, FormError } from "../components/Field";
import { showToast } from "../components/Toasts";
import "../auth/identity.css";

/** The signed-in person's own account: their address (proven or not, and changing it),
 * their password, and where they are signed in. */
export function AccountSettingsPage() {
  const me = useMe();
  const user = me.data?.user;
  const resend = useMutation({ mutationFn: sendVerification, meta: { toast: false } });
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const change = useMutation({
    mutationFn: () => changePassword(current, next),
    meta: { toast: false }, // the form shows the problem
    onSuccess: () => {
      setCurrent("");
      setNext("");
      showToast("Password changed. Every other device was signed out.");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  if (!user) return <p role="status">Loading your account…</p>;
  return (
    <section className="account-settings">
      <h1>Your account</h1>
      <section className="account-panel" aria-labelledby="email-title">
        <h2 id="email-title">Email</h2>
        <p>
          <strong>{user.email}</strong>{" "}
          {user.email_verified ? <span className="badge">Confirmed</span> : <span className="badge badge-expiring">Not confirmed yet</span>}
        </p>
        {!user.email_verified && (
          <>
            <p>We sent a link to this address when you signed up. Confirm it so that we can reach you about failed posts and approvals.</p>
            {resend.isSuccess ? (
              <p role="status">{resend.data.message}</p>
            ) : (
              <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}>
                {resend.isPending ? "Sending…" : "Send the link again"}
              </button>
            )}
            <FormError error={resend.error} fields={[]} />
          </>
        )}
      </section>
      <form className="account-panel stack-form" onSubmit={submit} aria-labelledby="password-title">
        <h2 id="password-title">Change your password</h2>
        <Field label="Current password" name="current_password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} error={change.error} />
        <Field label="New password" name="new_password" type="password" autoComplete="new-password" minLength={10} required value={next} onChange={(e) => setNext(e.target.value)} error={change.error} />
        <p className="muted">At least 10 characters. Changing it signs you out on every other device.</p>
        <FormError error={change.error} fields={["current_password", "new_password"]} />
        <button type="submit" className="primary" disabled={change.isPending}>
          {change.isPending ? "Saving…" : "Change password"}
        </button>
      </form>
      <TwoFactorPanel />
      <ChangeEmailForm current={user.email} />
      <SessionsPanel />
    </section>
  );
}

/** A new address takes effect only once the link sent to it is followed. */
function ChangeEmailForm({ current }: { current: string }) {
  const [newEmail, setNewEmail] = useState("");
  const [password, setPassword] = useState("");
  const request = useMutation({
    mutationFn: () => requestEmailChange(newEmail.trim(), password),
    meta: { toast: false }, // the form shows the problem
    onSuccess: () => setPassword(""),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  return (
    <form className="account-panel stack-form" onSubmit={submit} aria-labelledby="change-email-title">
      <h2 id="change-email-title">Change your email</h2>
      {request.isSuccess ? (
        <>
          <p role="status">
            <strong>Check your new inbox.</strong> {request.data.message}
          </p>
          <p className="muted">
            The link works once, for 24 hours. Until you follow it, you sign in as {current}; we told that address too.
          </p>
          <button type="button" onClick={() => request.reset()}>
            Use another address
          </button>
        </>
      ) : (
        <>
          <Field label="New email" name="new_email" type="email" autoComplete="email" required value={newEmail} onChange={(e) => setNewEmail(e.target.value)} error={request.error} />
          <Field label="Your password" name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} error={request.error} />
          <p className="muted">We send a link to the new address; your email changes when you follow it.</p>
          <FormError error={request.error} fields={["new_email", "password"]} />
          <button type="submit" className="primary" disabled={request.isPending}>
            {request.isPending ? "Sending…" : "Send the link"}
          </button>
        </>
      )}
    </form>
  );
}

/** Every browser and app signed in as this person, most recently used first. */
function SessionsPanel() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: ["sessions"], queryFn: listSessions });
  const [asking, setAsking] = useState<Session | "others" | null>(null);
  const endOthers = useMutation({
    mutationFn: endOtherSessions,
    onSuccess: (ended) => {
      setAsking(null);
      showToast(ended === 1 ? "1 other device was signed out." : `${ended} other devices were signed out.`);
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
    },
    onError: () => setAsking(null),
  });
  const others = sessions.data?.filter((session) => !session.current).length ?? 0;
  const end = useMutation({
    mutationFn: (session: Session) => endSession(session.id),
    onSuccess: (_, session) => {
      setAsking(null);
      showToast(`${session.device} was signed out.`);
      void queryClient.invalidateQueries({ queryKey: ["sessions"] });
    },
    onError: () => setAsking(null),
  });
  return (
    <section className="account-panel" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you’re signed in</h2>
      {sessions.isPending ? (
        <p role="status">Loading your sessions…</p>
      ) : sessions.isError ? (
        <p role="alert" className="form-error">
          Could not load your sessions: {sessions.error.message}
        </p>
      ) : (
        <ul className="session-list">
          {[...sessions.data].sort((a, b) => Number(b.current) - Number(a.current)).map((session) => (
            <li key={session.id} className="session-row">
              <div>
                <p className="session-device">
                  <strong>{session.device}</strong> {session.current && <span className="badge">This device</span>}
                </p>
                <p className="muted">
                  {session.address ? `${session.address} · ` : ""}
                  {session.current ? "In use now" : `Last used ${relativeTime(session.last_used_at)}`}
                  {" · "}signed in {new Date(session.created_at).toLocaleDateString(undefined, { day: "numeric", month: "short", year: "numeric" })}
                </p>
              </div>
              {!session.current && (
                <button type="button" onClick={() => setAsking(session)} aria-label={`Sign out ${session.device}${session.address ? ` (${session.address})` : ""}`}>
                  Sign out
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <p className="muted">Signing a device out ends its access at once. “Sign out everywhere” at the top of the page ends every session, this one included.</p>
      {others > 1 && (
        <button type="button" onClick={() => setAsking("others")}>
          Sign out all other devices
        </button>
      )}
      {asking === "others" && (
        <ConfirmDialog
          title={`Sign out ${others} other devices?`}
          confirmLabel={endOthers.isPending ? "Signing out…" : "Sign them out"}
          cancelLabel="Keep them signed in"
          danger
          busy={endOthers.isPending}
          onConfirm={() => endOthers.mutate()}
          onCancel={() => setAsking(null)}
        >
          <p>This device stays signed in; every other one will need your password again.</p>
        </ConfirmDialog>
      )}
      {asking && asking !== "others" && (
        <ConfirmDialog
          title={`Sign out ${asking.device}?`}
          confirmLabel={end.isPending ? "Signing out…" : "Sign out"}
          cancelLabel="Keep it signed in"
          danger
          busy={end.isPending}
          onConfirm={() => end.mutate(asking)}
          onCancel={() => setAsking(null)}
        >
          <p>Whoever uses it will have to sign in again with your password.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
