import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { changePassword, sendVerification } from "../auth/identity";
import { useMe } from "../auth/session";
import { Field, FormError } from "../components/Field";
import { showToast } from "../components/Toasts";
import "../auth/identity.css";

/** The signed-in person's own account: their address (proven or not) and password. */
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
    </section>
  );
}
