import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { NETWORK_IDS, NetworkIcon, NetworkLegend, networkColor, networkLabel } from "./NetworkIcon";

afterEach(cleanup);

describe("NetworkIcon", () => {
  it("gives every network a colour of its own and its proper name", () => {
    const colours = NETWORK_IDS.map(networkColor);
    expect(new Set(colours).size).toBe(NETWORK_IDS.length);
    for (const colour of colours) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(NETWORK_IDS.map(networkLabel)).toEqual([
      "X", "Facebook", "Instagram", "LinkedIn", "TikTok", "YouTube", "Pinterest", "Threads", "Bluesky", "Mastodon",
    ]);
  });

  it("keeps every colour readable on white (at least 3:1, a graphic's contrast)", () => {
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => {
        const c = parseInt(hex.slice(i, i + 2), 16) / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    for (const id of NETWORK_IDS) expect(1.05 / (luminance(networkColor(id)) + 0.05)).toBeGreaterThanOrEqual(3);
  });

  it("is hidden from assistive technology unless it is given a name", () => {
    const { container } = render(
      <>
        <NetworkIcon network="linkedin" />
        <NetworkIcon network="x" size={24} label="X" />
      </>,
    );
    const [hidden, named] = Array.from(container.querySelectorAll("svg"));
    expect(hidden.getAttribute("aria-hidden")).toBe("true");
    expect(hidden.getAttribute("width")).toBe("16");
    expect(hidden.querySelector("[fill='#0a66c2']")).not.toBeNull();
    expect(screen.getByRole("img", { name: "X" })).toBe(named);
    expect(named.getAttribute("width")).toBe("24");
  });

  it("draws a badge in white on the brand colour, and something for an unknown network", () => {
    const { container } = render(
      <>
        <NetworkIcon network="youtube" variant="badge" />
        <NetworkIcon network="myspace" />
      </>,
    );
    const [badge, unknown] = Array.from(container.querySelectorAll("svg"));
    expect(badge.querySelector("rect")?.getAttribute("fill")).toBe(networkColor("youtube"));
    expect(badge.querySelector("[fill='#fff']")).not.toBeNull();
    expect(unknown.childElementCount).toBeGreaterThan(0);
    expect(networkLabel("myspace")).toBe("Myspace");
  });

  it("lists the networks in a legend", () => {
    render(<NetworkLegend networks={["x", "bluesky"]} title="Colours" />);
    const legend = screen.getByRole("list", { name: "Colours" });
    expect(within(legend).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["X", "Bluesky"]);
  });
});
