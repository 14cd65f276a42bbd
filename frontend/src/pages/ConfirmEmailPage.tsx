import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { confirmEmailChange } from "../auth/identity";
import { useSignedIn } from "../auth/session";
import { FormError } from "../components/Field";
import "../auth/identity.css";

/** The page the link sent to a new address opens: one click moves the account there.
 * It waits for the click, so mail scanners that open links on their own do not spend it. */
export function ConfirmEmailPage() {
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const signedIn = useSignedIn();
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: () => confirmEmailChange(token),
    meta: { toast: false }, // the page shows the problem
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="confirm-email-title">
        <p className="brand">Schedulo</p>
        <h1 id="confirm-email-title">Confirm your new email</h1>
        {confirm.isSuccess ? (
          <>
            <p role="status">
              Done: you now sign in as <strong>{confirm.data.email}</strong>.
            </p>
            <Link className="link-button" to={signedIn ? "/settings/account" : "/login"}>
              {signedIn ? "Back to your account" : "Sign in"}
            </Link>
          </>
        ) : !token ? (
          <p role="alert" className="form-error">
            This link is incomplete. Open the link from the email again, or ask for a new one on your account page.
          </p>
        ) : (
          <>
            <p>One click moves your Schedulo account to this address. Until then, you sign in with your current email.</p>
            <FormError error={confirm.error} fields={[]} />
            <button type="button" className="primary" onClick={() => confirm.mutate()} disabled={confirm.isPending}>
              {confirm.isPending ? "Confirming…" : "Use this email"}
            </button>
            {confirm.isError && (
              <p>
                <Link to={signedIn ? "/settings/account" : "/login"}>{signedIn ? "Ask for a new link" : "Sign in to ask for a new link"}</Link>
              </p>
            )}
          </>
        )}
      </section>
    </main>
  );
}
