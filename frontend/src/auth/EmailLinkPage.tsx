import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link, useSearchParams } from "react-router-dom";
import type { User } from "../api/people";
import { useSignedIn } from "./session";
import { FormError } from "../components/Field";
import "./identity.css";

interface EmailLink {
  title: string;
  intro: string;
  action: string;
  spend: (token: string) => Promise<User>;
  done: (user: User) => ReactNode;
  /** Where to go once done, signed in. */
  next: { to: string; label: string };
}

/** The page an emailed link opens (verify an address, move the account to a new one).
 * It waits for a click: mail scanners that open links on their own must not spend it. */
export function EmailLinkPage({ title, intro, action, spend, done, next }: EmailLink) {
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const signedIn = useSignedIn();
  const queryClient = useQueryClient();
  const confirm = useMutation({
    mutationFn: () => spend(token),
    meta: { toast: false }, // the page shows the problem
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="email-link-title">
        <p className="brand">Schedulo</p>
        <h1 id="email-link-title">{title}</h1>
        {confirm.isSuccess ? (
          <>
            <p role="status">{done(confirm.data)}</p>
            <Link className="link-button" to={signedIn ? next.to : "/login"}>
              {signedIn ? next.label : "Sign in"}
            </Link>
          </>
        ) : !token ? (
          <p role="alert" className="form-error">
            This link is incomplete. Open the link from the email again, or ask for a new one on your account page.
          </p>
        ) : (
          <>
            <p>{intro}</p>
            <FormError error={confirm.error} fields={[]} />
            <button type="button" className="primary" onClick={() => confirm.mutate()} disabled={confirm.isPending}>
              {confirm.isPending ? "Confirming…" : action}
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
