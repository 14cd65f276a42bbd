import { describe, expect, it } from "vitest";
import { cellDescription, heatCells, heatColor } from "./heatmap";

function grid(fill: number | null): (number | null)[][] {
  return Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => fill));
}

describe("heatCells", () => {
  it("scales each rate between the lowest and the highest, unknown cells left out", () => {
    const heatmap = grid(0.02);
    heatmap[1][9] = 0.06; // Tuesday 9:00, the best
    heatmap[6][3] = null;
    const cells = heatCells(heatmap, [{ weekday: 1, hour: 9, expected_engagement_rate: 0.06, posts: 12, confidence: "high" }]);
    expect(cells).toHaveLength(7);
    expect(cells.every((row) => row.length === 24)).toBe(true);
    expect(cells[1][9]).toMatchObject({ level: 1, rank: 1, value: 0.06 });
    expect(cells[0][0]).toMatchObject({ level: 0, rank: null });
    expect(cells[6][3]).toMatchObject({ value: null, level: null });
  });

  it("fills a short or empty answer with unknown cells, and equal rates read as the middle", () => {
    expect(heatCells([]).flat().every((c) => c.level === null)).toBe(true);
    expect(heatCells(grid(0.03))[2][2].level).toBe(0.5);
  });
});

describe("cell shades and words", () => {
  it("shades from the panel to the accent", () => {
    expect(heatColor(null)).toBe("transparent");
    expect(heatColor(0)).toBe("color-mix(in srgb, var(--accent) 8%, var(--panel))");
    expect(heatColor(1)).toBe("color-mix(in srgb, var(--accent) 100%, var(--panel))");
  });

  it("describes a cell for a screen reader", () => {
    const cell = { weekday: 1, hour: 9, value: 0.061, level: 1, rank: 1 };
    expect(cellDescription(cell)).toMatch(/^Tuesday .*9.*: 6\.1% expected engagement \(suggested time 1\)$/);
    expect(cellDescription({ ...cell, value: null, level: null, rank: null })).toMatch(/no estimate yet$/);
  });
});
