import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { tokenStore } from "../api/client";
import { resetPassword } from "../auth/identity";
import { Field, FormError } from "../components/Field";
import "../auth/identity.css";

export function ResetPasswordPage() {
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [repeated, setRepeated] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const reset = useMutation({
    mutationFn: () => resetPassword(token, password),
    meta: { toast: false }, // the form shows the problem
    onSuccess: () => tokenStore.set(null), // every session ended, this tab's too
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setMismatch(password !== repeated);
    if (password === repeated) reset.mutate();
  };
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="reset-title">
        <p className="brand">Schedulo</p>
        <h1 id="reset-title">Choose a new password</h1>
        {reset.isSuccess ? (
          <>
            <p role="status">Your password is changed, and every device was signed out.</p>
            <Link className="link-button" to="/login">
              Sign in
            </Link>
          </>
        ) : (
          <>
            <Field label="New password" name="password" type="password" autoComplete="new-password" minLength={10} required value={password} onChange={(e) => setPassword(e.target.value)} error={reset.error} />
            <Field label="New password again" name="repeated" type="password" autoComplete="new-password" required value={repeated} onChange={(e) => setRepeated(e.target.value)} />
            {mismatch && (
              <p role="alert" className="form-error">
                The two passwords differ.
              </p>
            )}
            <FormError error={reset.error} fields={["password"]} />
            {reset.isError && (
              <p>
                <Link to="/forgot-password">Ask for a new link</Link>
              </p>
            )}
            <button type="submit" className="primary" disabled={reset.isPending}>
              {reset.isPending ? "Saving…" : "Save the new password"}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
