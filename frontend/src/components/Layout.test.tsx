import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Layout } from "./Layout";

vi.mock("./WorkspaceSwitcher", () => ({ WorkspaceSwitcher: () => <span>switcher</span>, UserMenu: () => <span>user</span> }));
vi.mock("./NotificationBell", () => ({ NotificationBell: () => <button type="button">Notifications</button> }));

afterEach(cleanup);

function renderShell() {
  return render(
    <MemoryRouter initialEntries={["/dashboard"]}>
      <Routes>
        <Route element={<Layout />}>
          <Route path="/dashboard" element={<h1>Dashboard page</h1>} />
          <Route path="/posts" element={<h1>Posts page</h1>} />
        </Route>
      </Routes>
    </MemoryRouter>,
  );
}

describe("Layout", () => {
  it("names every section in the main navigation, Posts included, with the current one marked", () => {
    renderShell();
    const nav = screen.getByRole("navigation", { name: "Main" });
    const names = within(nav).getAllByRole("link").map((link) => link.textContent);
    expect(names).toEqual([
      "Dashboard", "Calendar", "Compose", "Posts", "Queue", "Analytics", "Approvals", "Content plans", "Bulk", "Media", "Library", "Accounts", "Notifications", "Settings",
    ]);
    expect(within(nav).getByRole("link", { name: "Dashboard" }).getAttribute("aria-current")).toBe("page");
    // The icons are decoration: the links' names are their words.
    for (const svg of nav.querySelectorAll("svg")) expect(svg.getAttribute("aria-hidden")).toBe("true");
  });

  it("opens the menu with its button and closes it on Escape and on navigation", () => {
    const { container } = renderShell();
    const shell = container.querySelector(".shell")!;
    const button = screen.getByRole("button", { name: "Menu" });
    expect(button.getAttribute("aria-controls")).toBe("main-nav");
    expect(button.getAttribute("aria-expanded")).toBe("false");

    fireEvent.click(button);
    expect(button.getAttribute("aria-expanded")).toBe("true");
    expect(shell.classList.contains("menu-open")).toBe(true);
    fireEvent.keyDown(document, { key: "Escape" });
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(document.activeElement).toBe(button);

    // The current page's link closes it too.
    fireEvent.click(button);
    fireEvent.click(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Dashboard" }));
    expect(button.getAttribute("aria-expanded")).toBe("false");

    fireEvent.click(button);
    fireEvent.click(within(screen.getByRole("navigation", { name: "Main" })).getByRole("link", { name: "Posts" }));
    expect(screen.getByRole("heading", { name: "Posts page" })).toBeTruthy();
    expect(button.getAttribute("aria-expanded")).toBe("false");
    expect(shell.classList.contains("menu-open")).toBe(false);
  });
});
