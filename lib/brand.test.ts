import { describe, expect, it } from "vitest";

import { brandPalette, contrastRatio, DEFAULT_BRAND_COLOR } from "./brand";

describe("brandPalette", () => {
  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
    expect(contrastRatio("#ffffff", "#ffffff")).toBe(1);
  });

  it("keeps text readable on any colour a business could pick", () => {
    const samples = [
      "#e8a317",
      "#ffff00",
      "#ffffff",
      "#000000",
      "#777777",
      "#757575",
      "#0000ff",
      "#ff0000",
      "#00ff00",
      "#1f6f5c",
      "#7f7f7f",
      "#3d9aff",
    ];
    for (let value = 0; value < 0x1000000; value += 0x0f3f1d) samples.push(`#${value.toString(16).padStart(6, "0")}`);
    for (const color of samples) {
      const palette = brandPalette(color);
      expect(contrastRatio(palette.onAccent, palette.accent), `text on ${color}`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(palette.accentText, "#ffffff"), `${color} as text on white`).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(palette.accentText, "#f6f5f1"), `${color} as text on the page`).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("keeps a dark colour as it is and darkens a light one only as far as needed", () => {
    expect(brandPalette("#1F6F5C")).toEqual({ accent: "#1f6f5c", onAccent: "#ffffff", accentText: "#1f6f5c" });
    const honey = brandPalette("#e8a317");
    expect(honey.onAccent).toBe("#000000");
    expect(honey.accentText).not.toBe("#e8a317");
    expect(contrastRatio(honey.accentText, "#f6f5f1")).toBeLessThan(5.2);
  });

  it("falls back to the portal's colour for a missing or malformed value", () => {
    for (const value of [null, undefined, "", "red", "#ff", "#12345g", "url(x)", "#1234567"])
      expect(brandPalette(value).accent).toBe(DEFAULT_BRAND_COLOR);
  });

  it("reads the short form and stray spaces as a browser would", () => {
    expect(brandPalette("#FA0").accent).toBe("#ffaa00");
    expect(brandPalette(" #E8A317 ").accent).toBe("#e8a317");
  });
});
