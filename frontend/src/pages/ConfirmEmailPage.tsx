import { EmailLinkPage } from "../auth/EmailLinkPage";
import { confirmEmailChange } from "../auth/identity";

/** The page the link sent to a new address opens: one click moves the account there. */
export function ConfirmEmailPage() {
  return (
    <EmailLinkPage
      title="Confirm your new email"
      intro="One click moves your Schedulo account to this address. Until then, you sign in with your current email."
      action="Use this email"
      spend={confirmEmailChange}
      done={(user) => (
        <>
          Done: you now sign in as <strong>{user.email}</strong>.
        </>
      )}
      next={{ to: "/settings/account", label: "Back to your account" }}
    />
  );
}
