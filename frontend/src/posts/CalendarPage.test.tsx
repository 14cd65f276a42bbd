import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createQueryClient } from "../queryClient";
import type { Post } from "./api";
import { CalendarPage } from "./CalendarPage";

vi.mock("../auth/session", () => ({
  useWorkspace: () => ({ workspace: { id: "w_1", name: "Acme", role: "editor" }, workspaces: [], choose: () => {} }),
}));

const launch: Post = {
  id: "p_1", version: 2, status: "scheduled", text: "Launch day", media_ids: [], first_comment: null,
  scheduled_at: new Date(2030, 0, 15, 9, 30).toISOString(), timezone: "UTC", recurrence: null, created_by: null, created_at: "", updated_at: "",
  targets: [{ account_id: "a_x", network: "x", text: null, options: {}, status: "pending", attempts: 0, external_id: null, url: null, error: null, published_at: null }],
};

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function drag(chip: HTMLElement, cell: Element) {
  const data: Record<string, string> = {};
  const dataTransfer = { setData: (k: string, v: string) => (data[k] = v), getData: (k: string) => data[k] };
  fireEvent.dragStart(chip, { dataTransfer });
  fireEvent.dragOver(cell, { dataTransfer });
  fireEvent.drop(cell, { dataTransfer });
}

describe("CalendarPage drag and drop", () => {
  it("moves the chip at once and puts it back when the server answers 409", async () => {
    let answer!: (response: Response) => void;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input);
      if (init?.method === "PATCH") return new Promise<Response>((resolve) => (answer = resolve));
      if (url.includes("/v1/networks")) return json({ items: [{ id: "x", name: "X", capabilities: [], limits: {} }] });
      return json({ items: [launch], next_cursor: null });
    });
    render(
      <QueryClientProvider client={createQueryClient()}>
        <MemoryRouter initialEntries={["/calendar?date=2030-01-01"]}>
          <CalendarPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    const chip = await screen.findByRole("button", { name: /Launch day/ });
    expect(chip.closest("[data-day]")!.getAttribute("data-day")).toBe("2030-01-15");
    drag(chip, document.querySelector('[data-day="2030-01-16"]')!);

    // Optimistic: the chip is on the 16th before the server answers.
    await waitFor(() =>
      expect(screen.getByRole("button", { name: /Launch day/ }).closest("[data-day]")!.getAttribute("data-day")).toBe("2030-01-16"),
    );
    answer(json({ error: { code: "conflict", message: "Changed meanwhile.", details: [] } }, 409));
    expect(await screen.findByText(/Someone changed this post since the calendar loaded/)).toBeTruthy();
    await waitFor(() =>
      expect(screen.getByRole("button", { name: /Launch day/ }).closest("[data-day]")!.getAttribute("data-day")).toBe("2030-01-15"),
    );
  });
});
