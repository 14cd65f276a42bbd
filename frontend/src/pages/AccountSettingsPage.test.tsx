import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Session } from "../auth/identity";
import { AccountSettingsPage } from "./AccountSettingsPage";

vi.mock("../auth/session", () => ({
  useMe: () => ({ data: { user: { id: "u_1", email: "ada@example.com", name: "Ada", created_at: "", email_verified: true } } }),
}));

const HOURS_AGO = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();
const SESSIONS: Session[] = [
  { id: "f_phone", device: "Safari on iOS", address: "203.0.113.9", created_at: HOURS_AGO(48), last_used_at: HOURS_AGO(2), current: false },
  { id: "f_here", device: "Chrome on macOS", address: "198.51.100.4", created_at: HOURS_AGO(1), last_used_at: HOURS_AGO(0), current: true },
];

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function renderPage(emailReply: () => Response = () => json({ message: "We sent a link to new@example.com." }, 202), sessions = SESSIONS) {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input);
    if (url.endsWith("/v1/auth/sessions") && init?.method === "DELETE") return json({ ended: sessions.length - 1 });
    if (url.endsWith("/v1/auth/sessions")) return json({ items: sessions });
    if (init?.method === "DELETE") return new Response(null, { status: 204 });
    if (url.endsWith("/v1/auth/email")) return emailReply();
    return json({}, 404);
  });
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <AccountSettingsPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return fetchMock;
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("AccountSettingsPage sessions", () => {
  it("lists this device first, says when the others were used, and signs one out after asking", async () => {
    const fetchMock = renderPage();
    const list = await screen.findByRole("list");
    const rows = within(list).getAllByRole("listitem");
    expect(rows[0].textContent).toContain("Chrome on macOS");
    expect(rows[0].textContent).toContain("This device");
    expect(within(rows[0]).queryByRole("button")).toBeNull(); // not this one: the menu does
    expect(rows[1].textContent).toContain("203.0.113.9 · Last used 2 hours ago");

    fireEvent.click(within(rows[1]).getByRole("button", { name: "Sign out Safari on iOS (203.0.113.9)" }));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out Safari on iOS?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Keep it signed in" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(fetchMock.mock.calls.some(([, init]) => init?.method === "DELETE")).toBe(false);

    fireEvent.click(within(rows[1]).getByRole("button", { name: /^Sign out Safari/ }));
    fireEvent.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Sign out" }));
    await vi.waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    const deleted = fetchMock.mock.calls.find(([, init]) => init?.method === "DELETE");
    expect(String(deleted?.[0])).toContain("/v1/auth/sessions/f_phone");
    // With only one other device, there is no "all other devices" button to confuse.
    expect(screen.queryByRole("button", { name: "Sign out all other devices" })).toBeNull();
  });
});

describe("AccountSettingsPage other devices", () => {
  it("signs out every other device at once, after asking", async () => {
    const tablet = { ...SESSIONS[0], id: "f_tablet", device: "Chrome on Android", address: null };
    const fetchMock = renderPage(undefined, [...SESSIONS, tablet]);
    fireEvent.click(await screen.findByRole("button", { name: "Sign out all other devices" }));
    const dialog = screen.getByRole("alertdialog", { name: "Sign out 2 other devices?" });
    fireEvent.click(within(dialog).getByRole("button", { name: "Sign them out" }));
    await vi.waitFor(() => expect(screen.queryByRole("alertdialog")).toBeNull());
    const deleted = fetchMock.mock.calls.find(([, init]) => init?.method === "DELETE");
    expect(String(deleted?.[0]).endsWith("/v1/auth/sessions")).toBe(true);
  });
});

describe("AccountSettingsPage change of email", () => {
  it("names a taken address at its field, then says to check the new inbox", async () => {
    let taken = true;
    const fetchMock = renderPage(() =>
      taken
        ? json({ error: { code: "conflict", message: "An account with this email already exists.", details: [{ field: "new_email", message: "already registered" }] } }, 409)
        : json({ message: "We sent a link to new@example.com. Your email changes when you follow it." }, 202),
    );
    const form = screen.getByRole("form", { name: "Change your email" });
    fireEvent.change(within(form).getByLabelText("New email"), { target: { value: "new@example.com" } });
    fireEvent.change(within(form).getByLabelText("Your password"), { target: { value: "my password" } });
    fireEvent.click(within(form).getByRole("button", { name: "Send the link" }));
    expect(await within(form).findByText("already registered")).toBeTruthy();
    const sent = fetchMock.mock.calls.find(([url]) => String(url).endsWith("/v1/auth/email"));
    expect(JSON.parse(String(sent?.[1]?.body))).toEqual({ new_email: "new@example.com", password: "my password" });

    taken = false;
    fireEvent.click(within(form).getByRole("button", { name: "Send the link" }));
    const status = await within(form).findByRole("status");
    expect(status.textContent).toContain("Check your new inbox.");
    expect(form.textContent).toContain("you sign in as ada@example.com");
  });
});
