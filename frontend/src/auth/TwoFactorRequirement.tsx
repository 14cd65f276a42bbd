import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "react-router-dom";
import type { Workspace } from "../api/people";
import { FormError } from "../components/Field";
import { reloadQuery } from "../queryClient";
import { requireTwoFactor } from "./twoFactor";

/** Workspace settings: the owner may require two-factor sign-in of every member. */
export function TwoFactorRequirement({ workspace }: { workspace: Workspace }) {
  const queryClient = useQueryClient();
  const required = Boolean(workspace.two_factor_required);
  const change = useMutation({
    mutationFn: (next: boolean) => requireTwoFactor(workspace.id, next),
    meta: { toast: false },
    onSuccess: () => reloadQuery(queryClient, ["me"]),
  });
  return (
    <section aria-labelledby="require-2fa-title">
      <h2 id="require-2fa-title">Two-factor sign-in</h2>
      <p className="muted">
        {required
          ? "Members must turn on two-factor sign-in before they can use this workspace."
          : "Members may sign in with a password alone."}{" "}
        Your own setting is in <Link to="/settings/account">Your account</Link>.
      </p>
      {workspace.role === "owner" && (
        <button type="button" onClick={() => change.mutate(!required)} disabled={change.isPending}>
          {required ? "Stop requiring two-factor sign-in" : "Require two-factor sign-in of members"}
        </button>
      )}
      <FormError error={change.error} fields={[]} />
    </section>
  );
}
