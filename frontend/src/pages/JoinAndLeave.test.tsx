import { QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { MemoryRouter, Route, Routes } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";
import { tokenStore } from "../api/client";
import type { Me, Workspace } from "../api/people";
import { chooseWorkspace } from "../auth/session";
import { WorkspaceSwitcher } from "../components/WorkspaceSwitcher";
import { createQueryClient } from "../queryClient";
import { InvitationPage } from "./InvitationPage";
import { SignupPage } from "./SignupPage";
import { WorkspaceSettingsPage } from "./WorkspaceSettingsPage";

const own: Workspace = { id: "w_grace", name: "Grace's workspace", timezone: "UTC", created_at: "", role: "owner" };
const joined: Workspace = { id: "w_ada", name: "Ada's workspace", timezone: "UTC", created_at: "", role: "editor" };

function me(workspaces: Workspace[]): Me {
  return { user: { id: "u_grace", email: "grace@example.com", name: "Grace", created_at: "" }, workspaces };
}

function json(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

/**
 * The API of a user who has just signed up and opens an invitation. Her first /v1/me is
 * answered only once she has accepted, with what it read before (her own workspace);
 * later reads come from `meAfterJoining`.
 */
function serve(meAfterJoining: Workspace[]) {
  let firstRead: (() => void) | undefined;
  const firstAnswered = new Promise<void>((resolve) => (firstRead = resolve));
  let reads = 0;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const path = String(input);
    if (path === "/v1/me") {
      reads += 1;
      if (reads === 1) {
        await firstAnswered;
        return json(me([own]));
      }
      return json(me(meAfterJoining));
    }
    if (path.endsWith("/accept") && init?.method === "POST") {
      setTimeout(() => firstRead?.(), 0);
      return json(joined);
    }
    return json({
      workspace_name: joined.name, email: "grace@example.com", role: "editor", invited_by_name: "Ada",
      status: "pending", expires_at: "",
    });
  });
}

function renderAt(path: string) {
  tokenStore.set({ access_token: "a" });
  render(
    <QueryClientProvider client={createQueryClient()}>
      <MemoryRouter initialEntries={[path]}>
        <Routes>
          <Route path="/signup" element={<SignupPage />} />
          <Route path="/invitations/:token" element={<InvitationPage />} />
          <Route path="/settings/workspace" element={<WorkspaceSettingsPage />} />
          <Route path="/dashboard" element={<WorkspaceSwitcher />} />
        </Routes>
      </MemoryRouter>
    </QueryClientProvider>,
  );
}

async function workspacesAfterClicking(...buttons: string[]) {
  for (const name of buttons) fireEvent.click(await screen.findByRole("button", { name }));
  const switcher = await screen.findByLabelText<HTMLSelectElement>("Workspace");
  return [...switcher.options].map((o) => [o.text, o.selected]);
}

afterEach(() => {
  cleanup();
  localStorage.clear();
  vi.restoreAllMocks();
});

describe("accepting an invitation", () => {
  it("works in the joined workspace, though /v1/me was being read when the user accepted", async () => {
    serve([own, joined]);
    renderAt("/invitations/tok");
    expect(await workspacesAfterClicking("Accept invitation")).toEqual([
      ["Grace's workspace (owner)", false],
      ["Ada's workspace (editor)", true],
    ]);
  });

  it("lists the joined workspace while /v1/me's index has not caught up", async () => {
    serve([own]);
    renderAt("/invitations/tok");
    expect(await workspacesAfterClicking("Accept invitation")).toEqual([
      ["Grace's workspace (owner)", false],
      ["Ada's workspace (editor)", true],
    ]);
  });
});

describe("leaving a workspace", () => {
  it("no longer lists it while /v1/me's index has not caught up", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) =>
      String(input).endsWith("/leave") ? new Response(null, { status: 204 }) : json(me([own, joined])),
    );
    chooseWorkspace(joined.id);
    renderAt("/settings/workspace");
    expect(await workspacesAfterClicking("Leave Ada's workspace", "Confirm leaving")).toEqual([
      ["Grace's workspace (owner)", true],
    ]);
  });
});
