// Billing: the workspace's plan, trial, usage of each meter and the plans on offer.
// Owners subscribe through Stripe Checkout and manage the subscription in Stripe's portal;
// everyone else sees the plan.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { api } from "../api/client";
import { WorkspaceGate } from "../auth/WorkspaceGate";
import "./billing.css";

export interface PlanOut {
  id: "free" | "pro" | "business" | "enterprise";
  name: string;
  description: string;
  rank: number;
  trial_days: number;
  prices: { interval: "month" | "year"; amount: number; currency: string }[];
  limits: Record<string, number | null>;
  features: string[];
}

export interface BillingOut {
  enabled: boolean;
  plan: PlanOut;
  status: string | null;
  trial_end: string | null;
  trial_days_left: number | null;
  current_period_end: string | null;
  cancel_at_period_end: boolean;
  meters: { meter: string; used: number; limit: number | null; month: string | null }[];
  features: string[];
  plans: PlanOut[];
  can_manage: boolean;
  has_customer: boolean;
}

const METERS: Record<string, string> = {
  connected_accounts: "Connected accounts",
  scheduled_posts_per_month: "Scheduled posts this month",
  team_members: "Team members (with pending invitations)",
  workspaces_per_owner: "Workspaces",
  bulk_rows_per_import: "Rows per bulk import",
  ai_credits_per_month: "AI credits a month",
  analytics_history_days: "Days of analytics history",
};
const COMPARED = ["connected_accounts", "scheduled_posts_per_month", "team_members"];
const FEATURES: Record<string, string> = {
  approvals: "Approvals",
  api_keys: "API keys",
  outgoing_webhooks: "Outgoing webhooks",
  ai_assistant: "AI assistant",
  analytics_export: "Analytics export (CSV, PDF)",
  client_review_links: "Client review links",
};
const STATUS: Record<string, string> = {
  trialing: "Trial",
  trial_ended: "Your trial has ended: you are on Free",
  active: "Active",
  past_due: "Payment failed: Stripe is retrying your card",
  canceled: "Cancelled",
  incomplete: "Payment not completed",
  unpaid: "Unpaid",
};

function money(amount: number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() }).format(amount / 100);
}

function day(iso: string): string {
  return new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "long", day: "numeric" });
}

export function BillingPage() {
  return <WorkspaceGate>{(workspace) => <Billing key={workspace.id} workspaceId={workspace.id} workspaceName={workspace.name} />}</WorkspaceGate>;
}

function Billing({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
  const base = `/v1/workspaces/${workspaceId}/billing`;
  const [params, setParams] = useSearchParams();
  const returned = params.get("checkout");
  const [interval, setInterval] = useState<"month" | "year">("month");
  // Back from Checkout, the plan changes once Stripe's webhook arrives: ask again until it has.
  const billing = useQuery({
    queryKey: ["billing", workspaceId],
    queryFn: () => api<BillingOut>(base),
    refetchInterval: (query) => (returned === "success" && query.state.data?.plan.id === "free" ? 1000 : false),
  });
  const go = (url: string) => window.location.assign(url);
  const checkout = useMutation({
    mutationFn: (plan: string) => api<{ url: string }>(`${base}/checkout`, { method: "POST", body: { plan, interval } }),
    onSuccess: (answer) => go(answer.url),
  });
  const portal = useMutation({
    mutationFn: () => api<{ url: string }>(`${base}/portal`, { method: "POST" }),
    onSuccess: (answer) => go(answer.url),
  });

  if (billing.isPending) return <p role="status">Loading…</p>;
  if (billing.isError) return <p role="alert">Could not load billing: {billing.error.message}</p>;
  const b = billing.data;
  if (!b.enabled) {
    return (
      <section>
        <h1>Billing</h1>
        <p>This Schedulo is self-hosted without Stripe: every feature is on and nothing is limited.</p>
      </section>
    );
  }
  const waiting = returned === "success" && b.plan.id === "free";
  const upgrades = b.plans.filter((p) => p.prices.length > 0);
  return (
    <section className="billing">
      <h1>Billing</h1>
      {returned === "success" && (
        <p role="status" className="notice">
          {waiting ? "Payment received: your plan changes in a moment…" : `You are on ${b.plan.name}. Thank you!`}{" "}
          <button type="button" onClick={() => setParams({}, { replace: true })}>Dismiss</button>
        </p>
      )}
      {returned === "cancelled" && (
        <p role="status" className="notice">
          Checkout was cancelled; nothing changed. <button type="button" onClick={() => setParams({}, { replace: true })}>Dismiss</button>
        </p>
      )}

      <div className="billing-current">
        <h2>
          {workspaceName} is on <strong>{b.plan.name}</strong>
        </h2>
        {b.status && <p>Status: {STATUS[b.status] ?? b.status}</p>}
        {b.status === "trialing" && b.trial_days_left !== null && (
          <p className="billing-trial">
            {b.trial_days_left === 1 ? "1 day" : `${b.trial_days_left} days`} left in your trial
            {b.trial_end ? ` (ends ${day(b.trial_end)})` : ""}.
          </p>
        )}
        {b.current_period_end && b.status !== "canceled" && (
          <p>
            {b.cancel_at_period_end ? "Ends" : "Renews"} on {day(b.current_period_end)}.
          </p>
        )}
        {b.can_manage && b.has_customer && (
          <button type="button" onClick={() => portal.mutate()} disabled={portal.isPending}>
            Manage subscription, invoices and card
          </button>
        )}
        {!b.can_manage && <p>Only the workspace's owners change its plan.</p>}
      </div>

      <h2>Usage</h2>
      <ul className="meters">
        {b.meters.map((m) => {
          const share = m.limit ? Math.min(1, m.used / m.limit) : 0;
          const label = METERS[m.meter] ?? m.meter;
          return (
            <li key={m.meter}>
              <span className="meter-label">{label}</span>
              <span className="meter-figure">
                {m.used} of {m.limit ?? "unlimited"}
              </span>
              {m.limit !== null && (
                <progress className={share >= 1 ? "meter-full" : undefined} max={m.limit} value={Math.min(m.used, m.limit)} aria-label={`${label}: ${m.used} of ${m.limit}`} />
              )}
            </li>
          );
        })}
      </ul>

      <h2>Plans</h2>
      {b.can_manage && (
        <fieldset className="billing-interval">
          <legend>Billed</legend>
          <label>
            <input type="radio" name="interval" checked={interval === "month"} onChange={() => setInterval("month")} /> Monthly
          </label>
          <label>
            <input type="radio" name="interval" checked={interval === "year"} onChange={() => setInterval("year")} /> Yearly
          </label>
        </fieldset>
      )}
      <div className="plans">
        {b.plans.map((p) => {
          const price = p.prices.find((x) => x.interval === interval);
          const current = p.id === b.plan.id;
          const subscribed = b.has_customer && b.status !== null && ["active", "trialing", "past_due"].includes(b.status);
          return (
            <article key={p.id} className={current ? "plan plan-current" : "plan"} aria-label={`${p.name} plan`}>
              <h3>{p.name}</h3>
              <p className="plan-price">{price ? `${money(price.amount, price.currency)} / ${interval}` : p.id === "free" ? "No charge" : "—"}</p>
              <p>{p.description}</p>
              <ul>
                {COMPARED.map((meter) => (
                  <li key={meter}>
                    {METERS[meter]}: {p.limits[meter] ?? "unlimited"}
                  </li>
                ))}
                {Object.entries(FEATURES).map(([feature, name]) => (
                  <li key={feature} className={p.features.includes(feature) ? "" : "plan-without"}>
                    {p.features.includes(feature) ? "✓" : "—"} {name}
                  </li>
                ))}
              </ul>
              {current ? (
                <p className="plan-badge">Current plan</p>
              ) : b.can_manage && price && upgrades.includes(p) ? (
                subscribed ? (
                  <button type="button" onClick={() => portal.mutate()} disabled={portal.isPending}>
                    Change to {p.name}
                  </button>
                ) : (
                  <button type="button" className="primary" onClick={() => checkout.mutate(p.id)} disabled={checkout.isPending}>
                    {b.status === "trialing" ? `Choose ${p.name}` : p.trial_days && b.status === null ? `Start ${p.trial_days}-day trial of ${p.name}` : `Upgrade to ${p.name}`}
                  </button>
                )
              ) : null}
            </article>
          );
        })}
      </div>
    </section>
  );
}
