import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { NETWORK_IDS, networkLabel } from "../components/NetworkIcon";
import type { Network } from "./api";
import { PostPreview, type PreviewMedia } from "./PostPreview";

afterEach(cleanup);

const PHOTO: PreviewMedia = {
  id: "m_1", url: "https://media.test/cake.jpg", thumbnail_url: null, alt_text: "A lemon cake", width: 1200, height: 900,
  focal_point: { x: 0.5, y: 0.5 },
};

function network(id: string, maxLength = 500): Network {
  return { id, name: id === "facebook" ? "Facebook Pages" : networkLabel(id), capabilities: [], limits: { text: { max_length: maxLength, counting: "code_points" }, max_media: 4, first_comment_max: null } };
}

function preview(id: string, options: { text?: string; media?: PreviewMedia[]; avatar?: string | null; maxLength?: number } = {}) {
  const media = options.media ?? [];
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <PostPreview
        workspaceId="w_1"
        account={{ network: id, display_name: "Demo Bakery", handle: "demobakery", avatar_url: options.avatar ?? null }}
        network={network(id, options.maxLength)}
        text={options.text ?? "Fresh lemon cake today #bakery"}
        mediaIds={media.map((m) => m.id)}
        media={media}
      />
    </QueryClientProvider>,
  );
}

describe("PostPreview", () => {
  it("shows every network's post with the account's name, initials and the network's mark", () => {
    for (const id of NETWORK_IDS) {
      const { container, unmount } = preview(id, { media: [PHOTO] });
      const article = screen.getByRole("article", { name: `Preview on ${id === "facebook" ? "Facebook Pages" : networkLabel(id)}` });
      expect(article.textContent).toMatch(/Demo Bakery|demobakery/);
      expect(article.textContent).toContain("Fresh lemon cake today");
      expect(within(article).getByText("#bakery").className).toContain("np-tag");
      // The network's mark (decorative: the article's name says the network) and its colour.
      expect(container.querySelector(`svg[data-network="${id}"]`)?.getAttribute("aria-hidden")).toBe("true");
      // The one image a reader meets is the post's own, described by its alt text.
      expect(within(article).getByRole("img").getAttribute("alt")).toBe("A lemon cake");
      unmount();
    }
  });

  it("lays X out as a card with its action row, the account's picture beside the text", () => {
    const { container } = preview("x", { avatar: "https://cdn.test/a.png", text: "Read https://shop.test/cake" });
    const card = container.querySelector(".np-card")!;
    expect(card.querySelector(".np-avatar img")?.getAttribute("src")).toBe("https://cdn.test/a.png");
    expect(card.querySelector(".np-card-head")?.textContent).toContain("@demobakery");
    expect(card.querySelector(".np-actions")?.getAttribute("aria-hidden")).toBe("true");
    expect(screen.getByRole("link", { name: /shop\.test/ }).getAttribute("href")).toBe("https://shop.test/cake");
    // A picture that does not load gives way to the initials.
    fireEvent.error(card.querySelector(".np-avatar img")!);
    expect(card.querySelector(".np-avatar img")).toBeNull();
    expect(card.querySelector(".np-initials")?.textContent).toBe("DB");
  });

  it("shows Instagram's square, the caption after the handle, and where the post lands in the grid", () => {
    const { container } = preview("instagram", { media: [PHOTO, { ...PHOTO, id: "m_2" }] });
    const square = container.querySelector(".np-square img") as HTMLImageElement;
    expect(square.style.aspectRatio).toBe("1");
    expect(container.querySelector(".np-count")?.textContent).toBe("1/2");
    expect(container.querySelectorAll(".np-grid-tile")).toHaveLength(9);
    expect(container.querySelector(".np-grid-new img")).not.toBeNull();
    expect(screen.getByText("In the profile grid")).toBeTruthy();
    expect(container.querySelector(".np-initials")?.textContent).toBe("DB");
  });

  it("says what a network needs when the post lacks it, and marks text cut at the limit", () => {
    preview("instagram");
    expect(screen.getByText("Instagram needs an image or a video")).toBeTruthy();
    cleanup();
    preview("youtube", { text: "Spring menu\nAll week" });
    expect(screen.getByText("Spring menu").closest(".np-yt-title")).not.toBeNull();
    expect(screen.getByText("YouTube needs a video")).toBeTruthy();
    cleanup();
    preview("pinterest", { text: "Lemon cake\nBaked at 7am #bakery" });
    expect(screen.getByText("Lemon cake").className).toBe("np-pin-title");
    expect(screen.getByText(/Baked at 7am/).className).toBe("np-text");
    cleanup();
    preview("linkedin", { text: "0123456789abcdef", maxLength: 10 });
    expect(screen.getByText("… (cut at the limit)")).toBeTruthy();
    expect(screen.getByRole("article").textContent).not.toContain("abcdef");
  });
});
