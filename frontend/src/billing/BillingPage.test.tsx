import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../queryClient";
import { Billing, type BillingOut, type PlanOut } from "./BillingPage";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

const FREE: PlanOut = {
  id: "free",
  name: "Free",
  description: "For trying Schedulo.",
  rank: 0,
  trial_days: 0,
  prices: [],
  limits: { connected_accounts: 3 },
  features: [],
};

function billing(overrides: Partial<BillingOut>): BillingOut {
  return {
    enabled: true,
    plan: FREE,
    status: "past_due",
    trial_end: null,
    trial_days_left: null,
    current_period_end: "2031-01-01T00:00:00Z",
    cancel_at_period_end: false,
    meters: [{ meter: "connected_accounts", used: 5, limit: 3, month: null }],
    features: [],
    plans: [FREE],
    can_manage: true,
    has_customer: true,
    restricted: false,
    grace_end: null,
    paused_accounts: [],
    interval: "month",
    pending_change: null,
    ...overrides,
  };
}

/** The API as the page meets it: each path's JSON; what the page sent, in order. */
function serve(answers: Record<string, unknown>) {
  const sent: { method: string; path: string; body: unknown }[] = [];
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const path = String(input);
    sent.push({ method: init?.method ?? "GET", path, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const body = answers[`${init?.method ?? "GET"} ${path}`] ?? answers[path];
    return new Response(JSON.stringify(body ?? {}), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  return sent;
}

function show() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter>
        <Billing workspaceId="w_1" workspaceName="Shop" />
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

const BASE = "/v1/workspaces/w_1/billing";

const PRO: PlanOut = { ...FREE, id: "pro", name: "Pro", rank: 1, prices: [{ interval: "month", amount: 1500, currency: "usd" }] };
const BUSINESS: PlanOut = { ...FREE, id: "business", name: "Business", rank: 2, prices: [{ interval: "month", amount: 4900, currency: "usd" }] };

describe("Billing page", () => {
  it("says the workspace is restricted, with a way to update the card, and lists invoices", async () => {
    serve({
      [BASE]: billing({ restricted: true, grace_end: "2030-01-08T00:00:00Z" }),
      [`${BASE}/invoices`]: {
        items: [
          {
            id: "in_1",
            number: "ABC-0001",
            status: "open",
            amount_due: 1500,
            amount_paid: 0,
            currency: "usd",
            created: "2030-01-01T00:00:00Z",
            period_start: null,
            period_end: null,
            hosted_invoice_url: "https://stripe.example/in_1",
            invoice_pdf: null,
          },
        ],
      },
    });
    show();
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("nothing new can be scheduled");
    expect(screen.getByRole("button", { name: "Update the card" })).toBeTruthy();
    expect(await screen.findByRole("cell", { name: "ABC-0001" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "View" }).getAttribute("href")).toBe("https://stripe.example/in_1");
  });

  it("upgrades at once, shows a downgrade waiting for the period's end, and undoes it", async () => {
    const pending = billing({
      plan: BUSINESS,
      status: "active",
      plans: [FREE, PRO, BUSINESS],
      pending_change: { plan: "pro", name: "Pro", interval: "month", effective_at: "2031-01-01T00:00:00Z" },
    });
    const sent = serve({
      [BASE]: billing({ plan: PRO, status: "active", plans: [FREE, PRO, BUSINESS] }),
      [`${BASE}/invoices`]: { items: [] },
      [`PUT ${BASE}/plan`]: pending,
    });
    show();
    fireEvent.click(await screen.findByRole("button", { name: "Upgrade to Business now" }));
    await waitFor(() => expect(sent.some((s) => s.method === "PUT")).toBe(true));
    expect(sent.find((s) => s.method === "PUT")?.body).toEqual({ plan: "business", interval: "month" });
    const notice = await screen.findByText(/Changes to/);
    expect(notice.textContent).toContain("Changes to Pro on");
    expect(notice.textContent).toContain("Business holds until then");
    const pro = screen.getByRole("article", { name: "Pro plan" });
    expect(pro.textContent).toContain("From ");
    expect(pro.querySelector("button")).toBeNull(); // already chosen
    fireEvent.click(screen.getByRole("button", { name: "Undo: keep Business" }));
    await waitFor(() => expect(sent.filter((s) => s.method === "PUT").length).toBe(2));
    expect(sent.filter((s) => s.method === "PUT")[1].body).toEqual({ plan: "business", interval: "month" });
  });

  it("says billing is off on a self-hosted Schedulo without Stripe", async () => {
    serve({ [BASE]: billing({ enabled: false, status: null, plans: [] }) });
    show();
    expect((await screen.findByText(/self-hosted without Stripe/)).textContent).toContain("every feature is on and nothing is limited");
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("lets the owner choose which accounts stay active, within the plan's limit", async () => {
    const accounts = ["a1", "a2", "a3", "a4"].map((id, i) => ({
      id,
      network: "mastodon",
      display_name: `Account ${i + 1}`,
      handle: null,
      avatar_url: null,
      kind: "profile",
      status: i < 3 ? "connected" : "paused",
      token_expires_at: null,
    }));
    const sent = serve({
      [BASE]: billing({ status: "canceled", paused_accounts: ["a4"] }),
      [`${BASE}/invoices`]: { items: [] },
      "/v1/workspaces/w_1/accounts": { items: accounts },
      [`PUT ${BASE}/active-accounts`]: { paused: ["a1"], resumed: ["a4"] },
    });
    show();
    expect((await screen.findByText(/1 account is paused/)).textContent).toContain("Free allows 3");
    const fourth = await screen.findByRole("checkbox", { name: /Account 4/ });
    expect((fourth as HTMLInputElement).disabled).toBe(true); // three are active already
    fireEvent.click(screen.getByRole("checkbox", { name: /Account 1/ }));
    fireEvent.click(fourth);
    fireEvent.click(screen.getByRole("button", { name: "Keep these active" }));
    await waitFor(() => expect(sent.some((s) => s.method === "PUT")).toBe(true));
    expect(sent.find((s) => s.method === "PUT")?.body).toEqual({ account_ids: ["a2", "a3", "a4"] });
  });
});
