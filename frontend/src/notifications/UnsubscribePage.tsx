// The page an email's "Unsubscribe" link opens (no sign-in): it says what the link turns
// off and waits for a click (mail scanners open links on their own).
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";
import { FormError } from "../components/Field";
import { CATEGORY_LABELS, unsubscribe, unsubscribeDetails } from "./api";
import "../auth/identity.css";

export function UnsubscribePage() {
  const [search] = useSearchParams();
  const token = search.get("token") ?? "";
  const details = useQuery({ queryKey: ["unsubscribe", token], queryFn: () => unsubscribeDetails(token), enabled: Boolean(token), retry: false });
  const confirm = useMutation({ mutationFn: () => unsubscribe(token), meta: { toast: false } });
  const what = details.data ? (details.data.category === "digest" ? "the digest" : `${CATEGORY_LABELS[details.data.category].title.toLowerCase()} emails`) : "";
  return (
    <main className="auth-page" id="main">
      <section className="auth-card" aria-labelledby="unsubscribe-title">
        <p className="brand">Schedulo</p>
        <h1 id="unsubscribe-title">Unsubscribe</h1>
        {!token ? (
          <p role="alert" className="form-error">
            This link is incomplete. Open it from the email again.
          </p>
        ) : details.isPending ? (
          <p role="status">Loading…</p>
        ) : details.isError ? (
          <FormError error={details.error} fields={[]} />
        ) : confirm.isSuccess ? (
          <>
            <p role="status">
              Done: {details.data.email} is unsubscribed from {what} of {details.data.workspace}.
            </p>
            <p>
              <Link to="/settings/notifications">Change your notification settings</Link>
            </p>
          </>
        ) : (
          <>
            <p>
              Unsubscribe {details.data.email} from {what} of <strong>{details.data.workspace}</strong>?
              {!details.data.subscribed && " (It is already off.)"} Security emails still come.
            </p>
            <FormError error={confirm.error} fields={[]} />
            <button type="button" className="primary" onClick={() => confirm.mutate()} disabled={confirm.isPending}>
              {confirm.isPending ? "Unsubscribing…" : `Unsubscribe from ${what}`}
            </button>
          </>
        )}
      </section>
    </main>
  );
}
