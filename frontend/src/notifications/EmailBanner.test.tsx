import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { EmailBanner } from "./EmailBanner";

function json(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("EmailBanner", () => {
  it("says the address bounced, links to the account page and can ask for email again", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (_input, init) =>
      init?.method === "DELETE"
        ? json({ email: "ada@example.com", suppressed: false, reason: null, since: null, message: null })
        : json({
            email: "ada@example.com",
            suppressed: true,
            reason: "bounce",
            since: "2030-01-01T00:00:00Z",
            message: "Emails to ada@example.com bounced: update your address.",
          }),
    );
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter>
          <EmailBanner />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const banner = await screen.findByRole("alert");
    expect(banner.textContent).toContain("Emails to ada@example.com bounced: update your address.");
    expect(screen.getByRole("link", { name: "Update your address" }).getAttribute("href")).toBe("/settings/account");
    fireEvent.click(screen.getByRole("button", { name: "Email this address again" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(fetchMock.mock.calls.some(([url, init]) => String(url) === "/v1/me/email-status" && init?.method === "DELETE")).toBe(true);
  });
});
