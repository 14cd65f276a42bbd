import { render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";
import { tokenStore } from "../api/client";
import { nextPath, RequireAuth } from "./RequireAuth";

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path="/login" element={<p>login page</p>} />
        <Route
          path="/settings/members"
          element={
            <RequireAuth>
              <p>members page</p>
            </RequireAuth>
          }
        />
      </Routes>
    </MemoryRouter>,
  );
}

afterEach(() => tokenStore.set(null));

describe("RequireAuth", () => {
  it("sends signed-out visitors to the sign-in page", () => {
    tokenStore.set(null);
    renderAt("/settings/members");
    expect(screen.getByText("login page")).toBeTruthy();
  });

  it("shows the page to a signed-in user", () => {
    tokenStore.set({ access_token: "a" });
    renderAt("/settings/members");
    expect(screen.getByText("members page")).toBeTruthy();
  });
});

describe("nextPath", () => {
  it("returns to a path of this app and nowhere else", () => {
    expect(nextPath(new URLSearchParams("next=/invitations/abc"))).toBe("/invitations/abc");
    expect(nextPath(new URLSearchParams("next=//evil.example"))).toBe("/dashboard");
    expect(nextPath(new URLSearchParams("next=https://evil.example"))).toBe("/dashboard");
    expect(nextPath(new URLSearchParams(""))).toBe("/dashboard");
  });
});
