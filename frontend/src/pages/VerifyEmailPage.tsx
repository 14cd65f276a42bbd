import { EmailLinkPage } from "../auth/EmailLinkPage";
import { confirmEmail } from "../auth/identity";

/** The page the verification link opens. */
export function VerifyEmailPage() {
  return (
    <EmailLinkPage
      title="Confirm your email"
      intro="One click confirms that this address is yours."
      action="Confirm my email"
      spend={confirmEmail}
      done={(user) => (
        <>
          Thank you: <strong>{user.email}</strong> is confirmed.
        </>
      )}
      next={{ to: "/dashboard", label: "Go to your dashboard" }}
    />
  );
}
