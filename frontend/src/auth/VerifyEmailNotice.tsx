import { useMutation } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { FormError } from "../components/Field";
import { sendVerification } from "./identity";
import { useMe } from "./session";
import "./identity.css";

/** In place of what an unverified user may not do yet (the API answers 403
 * email_unverified): "Verify your email to …", and a button to send the link again. */
export function VerifyEmailNotice({ to, children }: { to: string; children: ReactNode }) {
  const me = useMe();
  const resend = useMutation({ mutationFn: sendVerification, meta: { toast: false } });
  const user = me.data?.user;
  if (!user || user.email_verified !== false) return <>{children}</>;
  return (
    <div className="verify-notice" role="region" aria-label="Verify your email">
      <p>
        <strong>Verify your email to {to}.</strong> Follow the link we sent to {user.email}.
      </p>
      {resend.isSuccess ? (
        <p role="status">{resend.data.message}</p>
      ) : (
        <button type="button" onClick={() => resend.mutate()} disabled={resend.isPending}>
          {resend.isPending ? "Sending…" : "Send the link again"}
        </button>
      )}
      <FormError error={resend.error} fields={[]} />
    </div>
  );
}
