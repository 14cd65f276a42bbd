import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Media } from "./api";
import { MediaPicker } from "./MediaPicker";

function media(id: string, filename: string): Media {
  return {
    id, status: "ready", kind: "image", filename, content_type: "image/jpeg", size: 1000, width: 800,
    height: 600, duration_seconds: null, video_codec: null, audio_codec: null, frames: 1, url: null,
    thumbnail_url: `https://s3.test/${id}.jpg`, alt_text: null, tags: [], focal_point: { x: 0.5, y: 0.5 },
    used_by: [], failure_reason: null, source_url: null, created_by: "u", created_at: "", updated_at: "",
  };
}

const LIBRARY = [media("m_1", "dog.jpg"), media("m_2", "cat.jpg"), media("m_3", "owl.jpg")];

function renderPicker(selected: string[], onChange = vi.fn(), max?: number) {
  const fetchMock = vi.spyOn(globalThis, "fetch").mockImplementation(async () =>
    new Response(JSON.stringify({ items: LIBRARY, next_cursor: null }), { status: 200, headers: { "Content-Type": "application/json" } }),
  );
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={client}>
      <MediaPicker workspaceId="w_1" selected={selected} onChange={onChange} max={max} canUpload={false} />
    </QueryClientProvider>,
  );
  return { fetchMock, onChange };
}

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("MediaPicker", () => {
  it("lists the ready files and adds one to the selection", async () => {
    const { fetchMock, onChange } = renderPicker(["m_1"]);
    const add = await screen.findByRole("button", { name: "Add cat.jpg" });
    expect(String(fetchMock.mock.calls[0][0])).toBe("/v1/workspaces/w_1/media?status=ready");
    expect(screen.getByRole("button", { name: "Remove dog.jpg" }).getAttribute("aria-pressed")).toBe("true");
    fireEvent.click(add);
    expect(onChange).toHaveBeenCalledWith(["m_1", "m_2"], [LIBRARY[0], LIBRARY[1]]);
  });

  it("stops adding at the maximum but still allows removing", async () => {
    const { onChange } = renderPicker(["m_1", "m_2"], vi.fn(), 2);
    await waitFor(() => expect((screen.getByRole("button", { name: "Add owl.jpg" }) as HTMLButtonElement).disabled).toBe(true));
    fireEvent.click(screen.getByRole("button", { name: "Remove dog.jpg" }));
    expect(onChange).toHaveBeenCalledWith(["m_2"], [LIBRARY[1]]);
    expect(screen.getByText("2 selected of at most 2")).toBeTruthy();
  });

  it("searches by tag", async () => {
    const { fetchMock } = renderPicker([]);
    await screen.findByRole("button", { name: "Add dog.jpg" });
    fireEvent.change(screen.getByLabelText("Search by tag"), { target: { value: "summer" } });
    await waitFor(() => expect(String(fetchMock.mock.lastCall?.[0])).toBe("/v1/workspaces/w_1/media?status=ready&tag=summer"));
  });
});
