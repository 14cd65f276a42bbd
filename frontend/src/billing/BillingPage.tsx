// Billing: the workspace's plan, trial, usage of each meter and the plans on offer.
// Owners subscribe through Stripe Checkout, change plan here (a higher one at once,
// prorated; a lower one at the period's end, undoable) and manage the card and invoices in
// Stripe's portal; everyone else sees the plan.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useSearchParams } from "react-router-dom";
import { useAccounts } from "../accounts/api";
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
  interval: "month" | "year" | null;
  cancel_at_period_end: boolean;
  meters: { meter: string; used: number; limit: number | null; month: string | null }[];
  features: string[];
  plans: PlanOut[];
  can_manage: boolean;
  has_customer: boolean;
  restricted: boolean;
  grace_end: string | null;
  paused_accounts: string[];
  pending_change: { plan: PlanOut["id"]; name: string; interval: "month" | "year" | null; effective_at: string | null } | null;
}

export interface InvoiceOut {
  id: string;
  number: string | null;
  status: string | null;
  amount_due: number;
  amount_paid: number;
  currency: string;
  created: string;
  period_start: string | null;
  period_end: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
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

export function Billing({ workspaceId, workspaceName }: { workspaceId: string; workspaceName: string }) {
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
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: (atPeriodEnd: boolean) => api<BillingOut>(`${base}/cancel`, { method: "POST", body: { cancel_at_period_end: atPeriodEnd } }),
    onSuccess: (answer) => queryClient.setQueryData(["billing", workspaceId], answer),
  });
  const changePlan = useMutation({
    mutationFn: (change: { plan: string; interval: "month" | "year" }) => api<BillingOut>(`${base}/plan`, { method: "PUT", body: change }),
    onSuccess: (answer) => {
      queryClient.setQueryData(["billing", workspaceId], answer);
      void queryClient.invalidateQueries({ queryKey: ["billing-invoices", workspaceId] });
    },
  });
  const invoices = useQuery({
    queryKey: ["billing-invoices", workspaceId],
    queryFn: () => api<{ items: InvoiceOut[] }>(`${base}/invoices`),
    enabled: Boolean(billing.data?.can_manage && billing.data?.has_customer),
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

      {b.restricted && (
        <p role="alert" className="notice billing-restricted">
          A payment failed more than 7 days ago: nothing new can be scheduled until it is paid. Posts already scheduled still go out.{" "}
          {b.can_manage && b.has_customer ? (
            <button type="button" onClick={() => portal.mutate()} disabled={portal.isPending}>
              Update the card
            </button>
          ) : (
            "Ask an owner to update the card."
          )}
        </p>
      )}
      {!b.restricted && b.grace_end && (
        <p role="status" className="notice billing-grace">
          A payment failed. Your plan holds until {day(b.grace_end)} while Stripe retries the card; after that, nothing new can be scheduled until it is paid.
        </p>
      )}
      {b.paused_accounts.length > 0 && <PausedAccounts workspaceId={workspaceId} billing={b} />}

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
        {b.pending_change && (
          <p role="status" className="notice billing-pending">
            Changes to <strong>{b.pending_change.name}</strong>
            {b.pending_change.effective_at ? ` on ${day(b.pending_change.effective_at)}` : " at the end of the period"}; {b.plan.name} holds until then.{" "}
            {b.can_manage && (
              <button type="button" onClick={() => changePlan.mutate({ plan: b.plan.id, interval: b.interval ?? "month" })} disabled={changePlan.isPending}>
                Undo: keep {b.plan.name}
              </button>
            )}
          </p>
        )}
        {changePlan.isError && <p role="alert">{changePlan.error.message}</p>}
        {b.can_manage && b.has_customer && (
          <button type="button" onClick={() => portal.mutate()} disabled={portal.isPending}>
            Manage subscription, invoices and card
          </button>
        )}
        {b.can_manage && b.current_period_end && b.status !== null && ["active", "trialing", "past_due"].includes(b.status) && (
          <button type="button" onClick={() => cancel.mutate(!b.cancel_at_period_end)} disabled={cancel.isPending}>
            {b.cancel_at_period_end ? `Keep ${b.plan.name}` : "Cancel at the end of the period"}
          </button>
        )}
        {cancel.isError && <p role="alert">{cancel.error.message}</p>}
        <p className="billing-features">
          Included: {b.features.length ? b.features.map((f) => FEATURES[f] ?? f).join(", ") : "the basics"}.
        </p>
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

      {b.can_manage && b.has_customer && (
        <>
          <h2>Invoices</h2>
          {invoices.isPending && <p role="status">Loading invoices…</p>}
          {invoices.isError && <p role="alert">Could not load invoices: {invoices.error.message}</p>}
          {invoices.data && invoices.data.items.length === 0 && <p>No invoices yet.</p>}
          {invoices.data && invoices.data.items.length > 0 && (
            <table className="invoices">
              <thead>
                <tr>
                  <th scope="col">Date</th>
                  <th scope="col">Number</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Links</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {invoices.data.items.map((i) => (
                  <tr key={i.id}>
                    <td>{day(i.created)}</td>
                    <td>{i.number ?? "—"}</td>
                    <td>{money(i.amount_due, i.currency)}</td>
                    <td>{i.status ?? "—"}</td>
                    <td>
                      {i.hosted_invoice_url && (
                        <a href={i.hosted_invoice_url} target="_blank" rel="noreferrer">
                          View
                        </a>
                      )}
                      {i.invoice_pdf && (
                        <>
                          {" "}
                          <a href={i.invoice_pdf} target="_blank" rel="noreferrer">
                            PDF
                          </a>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

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
                  p.id === "free" ? null : b.pending_change?.plan === p.id ? (
                    <p className="plan-badge">From {b.pending_change.effective_at ? day(b.pending_change.effective_at) : "the period's end"}</p>
                  ) : (
                    <button
                      type="button"
                      className={p.rank > b.plan.rank ? "primary" : undefined}
                      onClick={() => changePlan.mutate({ plan: p.id, interval })}
                      disabled={changePlan.isPending}
                      title={p.rank > b.plan.rank ? "At once; the rest of this period is charged prorated" : "At the end of the current period"}
                    >
                      {p.rank > b.plan.rank
                        ? `Upgrade to ${p.name} now`
                        : `Change to ${p.name}${b.current_period_end ? ` on ${day(b.current_period_end)}` : " at the period's end"}`}
                    </button>
                  )
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

/** Accounts past the plan's limit are paused; owners choose which stay active. */
function PausedAccounts({ workspaceId, billing }: { workspaceId: string; billing: BillingOut }) {
  const accounts = useAccounts(workspaceId);
  const queryClient = useQueryClient();
  const limit = billing.plan.limits.connected_accounts ?? null;
  const eligible = (accounts.data?.items ?? []).filter((a) => a.status !== "disconnected");
  const [chosen, setChosen] = useState<string[] | null>(null);
  const active = chosen ?? eligible.filter((a) => a.status !== "paused").map((a) => a.id);
  const save = useMutation({
    mutationFn: () => api<{ paused: string[]; resumed: string[] }>(`/v1/workspaces/${workspaceId}/billing/active-accounts`, { method: "PUT", body: { account_ids: active } }),
    onSuccess: () => {
      setChosen(null);
      void queryClient.invalidateQueries({ queryKey: ["billing", workspaceId] });
      void queryClient.invalidateQueries({ queryKey: ["accounts", workspaceId] });
    },
  });
  const count = billing.paused_accounts.length;
  return (
    <div role="status" className="notice billing-paused">
      <p>
        {count === 1 ? "1 account is" : `${count} accounts are`} paused: {billing.plan.name} allows {limit ?? "unlimited"} connected accounts. Nothing was deleted; paused accounts take no posts. Upgrade, or choose which accounts stay active.
      </p>
      {billing.can_manage && eligible.length > 0 && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <fieldset>
            <legend>Active accounts{limit !== null ? ` (at most ${limit})` : ""}</legend>
            {eligible.map((a) => {
              const on = active.includes(a.id);
              return (
                <label key={a.id}>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!on && limit !== null && active.length >= limit}
                    onChange={() => setChosen(on ? active.filter((id) => id !== a.id) : [...active, a.id])}
                  />{" "}
                  {a.display_name} ({a.network})
                </label>
              );
            })}
          </fieldset>
          <button type="submit" disabled={save.isPending || chosen === null}>
            Keep these active
          </button>
          {save.isError && <p role="alert">{save.error.message}</p>}
        </form>
      )}
    </div>
  );
}
