import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { requestPasswordReset } from "../auth/identity";
import { Field, FormError } from "../components/Field";
import "../auth/identity.css";

export function ForgotPasswordPage() {
  const [search] = useSearchParams();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const ask = useMutation({ mutationFn: () => requestPasswordReset(email), meta: { toast: false } });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    ask.mutate();
  };
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="forgot-title">
        <p className="brand">Schedulo</p>
        <h1 id="forgot-title">Reset your password</h1>
        {ask.isSuccess ? (
          <p role="status">{ask.data.message} The link works once, for 30 minutes. Check your spam folder if it does not arrive.</p>
        ) : (
          <>
            <p>Enter the email you sign in with and we will send you a link to choose a new password.</p>
            <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={ask.error} />
            <FormError error={ask.error} fields={["email"]} />
            <button type="submit" className="primary" disabled={ask.isPending}>
              {ask.isPending ? "Sending…" : "Send the link"}
            </button>
          </>
        )}
        <p>
          Remembered it? <Link to="/login">Sign in</Link>
        </p>
      </form>
    </main>
  );
}
