import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Media } from "./api";
import { RenditionPreview } from "./MediaDetails";

const MEDIA = { id: "m_1", focal_point: { x: 0.7, y: 0.5 } } as Media;

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

describe("RenditionPreview", () => {
  it("shows the crop a network receives, asked for at the media's focal point", async () => {
    const fetchMock = vi.spyOn(globalThis, "fetch").mockResolvedValue(
      new Response(
        JSON.stringify({ network: "instagram", surface: "story", url: "https://s3.test/r.jpg", content_type: "image/jpeg", size: 370_000, width: 1080, height: 1920, is_rendition: true }),
        { status: 200, headers: { "Content-Type": "application/json" } },
      ),
    );
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <RenditionPreview workspaceId="w_1" media={MEDIA} network="instagram" surface="story" label="Instagram Story" />
      </QueryClientProvider>,
    );
    expect(await screen.findByText("Cropped and resized to 1080×1920, 370 KB")).toBeTruthy();
    expect(screen.getByAltText("Instagram Story preview").getAttribute("src")).toBe("https://s3.test/r.jpg");
    expect(String(fetchMock.mock.calls[0][0])).toBe("/v1/workspaces/w_1/media/m_1/renditions/instagram?surface=story");
  });
});
