import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../queryClient";
import { SignupPage } from "./SignupPage";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function answer(status: number, error: unknown, body?: unknown) {
  // A new Response each time: the page also asks which sign-in providers there are.
  vi.spyOn(globalThis, "fetch").mockImplementation(
    async () => new Response(JSON.stringify(body ?? { error }), { status, headers: { "Content-Type": "application/json" } }),
  );
}

function fillAndSubmit() {
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={["/signup?next=%2Fbulk"]}>
        <Routes>
          <Route path="/signup" element={<SignupPage />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
  fireEvent.change(screen.getByLabelText("Your name"), { target: { value: "Ada" } });
  fireEvent.change(screen.getByLabelText("Email"), { target: { value: "ada@example.com" } });
  fireEvent.change(screen.getByLabelText("Password (at least 10 characters)"), { target: { value: "correct horse battery" } });
  fireEvent.click(screen.getByRole("button", { name: "Create account" }));
}

describe("SignupPage", () => {
  it("says to check the email, whoever had the address, with a way to sign in", async () => {
    answer(202, undefined, { message: "Check your email: we sent a message to ada@example.com. Follow its link to confirm the address, then sign in." });
    fillAndSubmit();
    expect(await screen.findByRole("heading", { name: "Check your email" })).toBeTruthy();
    expect(screen.getByRole("status").textContent).toContain("ada@example.com");
    expect(screen.queryByText(/already exists/)).toBeNull();
    const link = screen.getByRole("link", { name: "Sign in" });
    const target = new URL(link.getAttribute("href")!, "http://app");
    expect(target.pathname).toBe("/login");
    expect(target.searchParams.get("email")).toBe("ada@example.com");
    expect(target.searchParams.get("next")).toBe("/bulk");
  });

  it("shows the API's plain words at the password field", async () => {
    answer(422, {
      code: "validation_error",
      message: "Password: use at least 10 characters.",
      details: [{ field: "password", message: "use at least 10 characters" }],
    });
    fillAndSubmit();
    expect(await screen.findByText("use at least 10 characters")).toBeTruthy();
  });
});
