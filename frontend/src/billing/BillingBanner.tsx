// On every page: a payment that failed (its grace running, or the workspace restricted
// after it), with the way to the Billing page. Nothing otherwise.
import { QueryClientContext, useQuery } from "@tanstack/react-query";
import { useContext } from "react";
import { Link } from "react-router-dom";
import { api } from "../api/client";
import { useWorkspace } from "../auth/session";
import type { BillingOut } from "./BillingPage";
import "./billing.css";

/** Renders nothing where there is no query client (the shell rendered alone in tests). */
export function BillingBanner() {
  return useContext(QueryClientContext) ? <Banner /> : null;
}

function Banner() {
  const { workspace } = useWorkspace();
  const billing = useQuery({
    queryKey: ["billing", workspace?.id],
    queryFn: () => api<BillingOut>(`/v1/workspaces/${workspace!.id}/billing`),
    enabled: Boolean(workspace),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const b = billing.data;
  if (!workspace || !b?.enabled || (!b.restricted && !b.grace_end)) return null;
  return (
    <div className={b.restricted ? "billing-banner billing-restricted" : "billing-banner billing-grace"} role={b.restricted ? "alert" : "status"}>
      {b.restricted
        ? "A payment failed more than 7 days ago: nothing new can be scheduled until it is paid (posts already scheduled still go out). "
        : `A payment failed: ${workspace.name}'s plan holds until ${new Date(b.grace_end!).toLocaleDateString()} while the card is retried. `}
      <Link to="/settings/billing">{b.can_manage ? "Update the card in Billing" : "See Billing"}</Link>
    </div>
  );
}
