import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Field, FormError } from "../components/Field";
import { showToast } from "../components/Toasts";
import { reloadQuery } from "../queryClient";
import { confirmEnrolment, startEnrolment, turnOff, twoFactorStatus, type Enrolment } from "./twoFactor";

/** Settings › Your account: turn two-factor sign-in on (scan, confirm a code, keep the
 * recovery codes) or off (with a code). */
export function TwoFactorPanel() {
  const queryClient = useQueryClient();
  const status = useQuery({ queryKey: ["two-factor"], queryFn: twoFactorStatus });
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [recovery, setRecovery] = useState<string[] | null>(null);
  const [code, setCode] = useState("");
  const refresh = () => {
    queryClient.invalidateQueries({ queryKey: ["two-factor"] });
    reloadQuery(queryClient, ["me"]); // a workspace that requires it opens now
  };
  const start = useMutation({ mutationFn: startEnrolment, meta: { toast: false }, onSuccess: setEnrolment });
  const confirm = useMutation({
    mutationFn: () => confirmEnrolment(code),
    meta: { toast: false },
    onSuccess: (codes) => {
      setRecovery(codes);
      setEnrolment(null);
      setCode("");
      refresh();
    },
  });
  const off = useMutation({
    mutationFn: () => turnOff(code),
    meta: { toast: false },
    onSuccess: () => {
      setCode("");
      refresh();
      showToast("Two-factor sign-in is off.");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (enrolment) confirm.mutate();
    else off.mutate();
  };
  const enabled = status.data?.enabled ?? false;
  return (
    <section className="account-panel" aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">Two-factor sign-in</h2>
      {status.isPending ? (
        <p role="status">Loading…</p>
      ) : enabled ? (
        <p>
          <span className="badge">On</span> Signing in asks for a code from your authenticator app.{" "}
          {status.data?.recovery_codes_left ?? 0} recovery codes left.
        </p>
      ) : (
        !enrolment && <p>Ask for a code from an authenticator app (Google Authenticator, 1Password, …) each time you sign in.</p>
      )}
      {recovery && (
        <div role="region" aria-label="Your recovery codes" className="recovery-codes">
          <p>
            <strong>Keep these recovery codes somewhere safe.</strong> Each signs you in once if you lose your phone. They are shown only now.
          </p>
          <ul>
            {recovery.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!enabled && !enrolment && (
        <>
          <button type="button" className="primary" onClick={() => start.mutate()} disabled={start.isPending}>
            {start.isPending ? "Starting…" : "Turn on two-factor sign-in"}
          </button>
          <FormError error={start.error} fields={[]} />
        </>
      )}
      {(enrolment || enabled) && (
        <form className="stack-form" onSubmit={submit} aria-label={enrolment ? "Confirm two-factor sign-in" : "Turn off two-factor sign-in"}>
          {enrolment && (
            <>
              <p>Scan this QR code with your authenticator app, then type the 6-digit code it shows.</p>
              <img className="qr-code" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(enrolment.qr_svg)}`} alt="QR code to add Schedulo to your authenticator app" width={180} height={180} />
              <p className="muted">
                Cannot scan? Enter this key: <code data-testid="totp-secret">{enrolment.secret}</code>
              </p>
            </>
          )}
          <Field
            label={enrolment ? "Code from your app" : "Code from your app, or a recovery code"}
            name="code"
            inputMode={enrolment ? "numeric" : undefined}
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
            error={enrolment ? confirm.error : off.error}
          />
          <FormError error={enrolment ? confirm.error : off.error} fields={["code"]} />
          <button type="submit" className={enrolment ? "primary" : undefined} disabled={confirm.isPending || off.isPending}>
            {enrolment ? "Confirm and turn on" : "Turn off two-factor sign-in"}
          </button>
        </form>
      )}
    </section>
  );
}
