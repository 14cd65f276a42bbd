import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { ApiError } from "../api/client";
import { browserTimeZone, signUp, type Me } from "../api/people";
import { GoogleSignIn } from "../auth/GoogleSignIn";
import { nextPath } from "../auth/RequireAuth";
import { chooseWorkspace } from "../auth/session";
import { Field, FormError } from "../components/Field";

export function SignupPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  const signup = useMutation({
    mutationFn: () => signUp({ name, email, password, timezone: browserTimeZone() }),
    onSuccess: (reply) => {
      queryClient.clear();
      // The reply already says who the user is and where they work; /v1/me, read at
      // once, could miss the new membership while DynamoDB updates its index.
      queryClient.setQueryData<Me>(["me"], { user: reply.user, workspaces: [reply.workspace] });
      chooseWorkspace(reply.workspace.id);
      navigate(nextPath(search), { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signup.mutate();
  };
  // The email has an account already: offer to sign in with it (and go where sign-up was going).
  const taken = signup.error instanceof ApiError && signup.error.status === 409 && !!signup.error.fieldMessage("email");
  const signIn = new URLSearchParams(search);
  signIn.set("email", email);
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="signup-title">
        <p className="brand">Schedulo</p>
        <h1 id="signup-title">Create your account</h1>
        <GoogleSignIn next={nextPath(search)} />
        <Field label="Your name" name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} error={signup.error} />
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={taken ? undefined : signup.error}
          aria-invalid={taken ? true : undefined}
          aria-describedby={taken ? "email-taken" : undefined}
        />
        {taken && (
          <p className="field-error" id="email-taken" role="alert">
            An account with this email already exists. <Link to={`/login?${signIn}`}>Sign in instead</Link>
          </p>
        )}
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
