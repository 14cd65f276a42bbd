import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useSearchParams } from "react-router-dom";
import { signIn } from "../api/people";
import { GoogleSignIn } from "../auth/GoogleSignIn";
import { nextPath } from "../auth/RequireAuth";
import { answerChallenge } from "../auth/twoFactor";
import { Field, FormError } from "../components/Field";

export function LoginPage() {
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState(search.get("email") ?? "");
  const [password, setPassword] = useState("");
  // With two-factor sign-in on, the password (or Google, which comes back with
  // ?challenge=) earns a challenge that a code from the app answers.
  const [challenge, setChallenge] = useState<string | null>(search.get("challenge"));
  const done = () => {
    queryClient.clear();
    navigate(nextPath(search), { replace: true });
  };
  const login = useMutation({
    mutationFn: () => signIn({ email, password }),
    onSuccess: (reply) => (reply.challenge ? setChallenge(reply.challenge) : done()),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  if (challenge) return <SecondStep challenge={challenge} onDone={done} />;
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="login-title">
        <p className="brand">Schedulo</p>
        <h1 id="login-title">Sign in</h1>
        {/* A sign-in with Google that was refused comes back here saying why. */}
        {search.get("error") && !login.isPending && (
          <p role="alert" className="form-error">
            {search.get("error")}
          </p>
        )}
        <GoogleSignIn next={nextPath(search)} />
        <Field label="Email" name="email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} error={login.error} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          // Sent here from sign-up with the email filled in: the password is what is left.
          autoFocus={Boolean(search.get("email"))}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={login.error}
        />
        <FormError error={login.error} fields={["email", "password"]} />
        <p className="forgot-password">
          <Link to={email ? `/forgot-password?email=${encodeURIComponent(email)}` : "/forgot-password"}>Forgot your password?</Link>
        </p>
        <button type="submit" className="primary" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
        <p>
          New to Schedulo? <Link to={`/signup?${search.toString()}`}>Create an account</Link>
        </p>
      </form>
    </main>
  );
}

function SecondStep({ challenge, onDone }: { challenge: string; onDone: () => void }) {
  const [code, setCode] = useState("");
  const verify = useMutation({ mutationFn: () => answerChallenge(challenge, code), onSuccess: onDone });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    verify.mutate();
  };
  return (
    <main className="auth-page" id="main">
      <form className="auth-card" onSubmit={submit} aria-labelledby="code-title">
        <p className="brand">Schedulo</p>
        <h1 id="code-title">Enter your code</h1>
        <p>Open your authenticator app and type the 6-digit code for Schedulo, or one of your recovery codes.</p>
        <Field label="Code" name="code" autoComplete="one-time-code" autoFocus required value={code} onChange={(e) => setCode(e.target.value)} error={verify.error} />
        <FormError error={verify.error} fields={["code"]} />
        <button type="submit" className="primary" disabled={verify.isPending}>
          {verify.isPending ? "Checking…" : "Continue"}
        </button>
        <p>
          <Link to="/login" reloadDocument>
            Start again
          </Link>
        </p>
      </form>
    </main>
  );
}
