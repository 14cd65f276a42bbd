import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";
import { browserTimeZone, signUp } from "../api/people";
import { GoogleSignIn } from "../auth/GoogleSignIn";
import "../auth/identity.css";
import { nextPath } from "../auth/RequireAuth";
import { Field, FormError } from "../components/Field";

export function SignupPage() {
  const [search] = useSearchParams();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const signup = useMutation({ mutationFn: () => signUp({ name, email, password, timezone: browserTimeZone() }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate();
  };
  // Signing in next goes where sign-up was going, with the email filled in.
  const signIn = new URLSearchParams(search);
  signIn.set("email", email);
  if (signup.isSuccess) {
    // The same words whether or not the address had an account: the email says which.
    return (
      <main className="auth-page" id="main">
        <section className="auth-card" aria-labelledby="check-title">
          <p className="brand">Schedulo</p>
          <h1 id="check-title">Check your email</h1>
          <p role="status">{signup.data.message}</p>
          <p className="muted">Nothing there? Look in your spam folder, or check the address and try again.</p>
          <Link className="link-button" to={`/login?${signIn}`}>
            Sign in
          </Link>
        </section>
      </main>
    );
  }
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="signup-title">
        <p className="brand">Schedulo</p>
        <h1 id="signup-title">Create your account</h1>
        <GoogleSignIn next={nextPath(search)} />
        <Field label="Your name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={signup.error} />
        <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={signup.error} />
        <Field
          label="Password (at least 10 characters)"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={signup.error}
        />
        <FormError error={signup.error} fields={["name", "email", "password"]} />
        <button type="submit" className="primary" disabled={signup.isPending}>
          {signup.isPending ? "Creating…" : "Create account"}
        </button>
        <p>
          Already have an account? <Link to={`/login?${search.toString()}`}>Sign in</Link>
        </p>
      </form>
    </main>
  );
}
