import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { confirmEmail } from "../auth/identity";
import { useSignedIn } from "../auth/session";
import { FormError } from "../components/Field";
import "../auth/identity.css";

/** The page an emailed verification link opens. It waits for a click: mail scanners that
 * open links on their own must not spend it. */
export function VerifyEmailPage() {
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const signedIn = useSignedIn();
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: () => confirmEmail(token),
    meta: { toast: false }, // the form shows the problem
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="verify-title">
        <p className="brand">Schedulo</p>
        <h1 id="verify-title">Confirm your email</h1>
        {confirm.isSuccess ? (
          <>
            <p role="status">
              Thank you: <strong>{confirm.data.email}</strong> is confirmed.
            </p>
            <Link className="link-button" to={signedIn ? "/dashboard" : "/login"}>
              {signedIn ? "Go to your dashboard" : "Sign in"}
            </Link>
          </>
        ) : !token ? (
          <p role="alert" className="form-error">
            This link is incomplete. Open the link from the email again, or ask for a new one on your account page.
          </p>
        ) : (
          <>
            <p>One click confirms that this address is yours.</p>
            <FormError error={confirm.error} fields={[]} />
            <button type="button" className="primary" onClick={() => confirm.mutate()} disabled={confirm.isPending}>
              {confirm.isPending ? "Confirming…" : "Confirm my email"}
            </button>
            {confirm.isError && (
              <p>
                <Link to={signedIn ? "/settings/account" : "/login"}>{signedIn ? "Send a new link" : "Sign in to ask for a new link"}</Link>
              </p>
            )}
          </>
        )}
      </section>
    </main>
  );
}
