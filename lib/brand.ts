/**
 * A business's colours, made readable whatever colour it picks (WCAG 2.2 AA: 4.5:1 for text). From one brand
 * colour come three: `accent`, the colour itself, for bands and buttons; `onAccent`, black or white, whichever
 * reads better on it (one of the two always reaches 4.58:1); and `accentText`, the colour darkened just enough
 * to be text and links on the page's light backgrounds.
 */

export const DEFAULT_BRAND_COLOR = "#1f6f5c";
/** The lightest background that brand-coloured text sits on (the page background). */
const PAGE_BACKGROUND = "#f6f5f1";
const AA_TEXT = 4.5;

export interface BrandPalette {
  accent: string;
  onAccent: string;
  accentText: string;
}

const HEX = /^#(?:[0-9a-f]{6}|[0-9a-f]{3})$/i;

function isBrandColor(value: string): boolean {
  return HEX.test(value.trim());
}

/** `#rrggbb` in lower case, from `#rrggbb` or the short `#rgb`. */
function normalized(value: string): string {
  const hex = value.trim().toLowerCase();
  return hex.length === 4 ? `#${[...hex.slice(1)].map((digit) => digit + digit).join("")}` : hex;
}

function channels(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function toHex([red, green, blue]: [number, number, number]): string {
  return `#${[red, green, blue].map((channel) => Math.round(channel).toString(16).padStart(2, "0")).join("")}`;
}

/** Relative luminance, as WCAG defines it. */
function luminance(hex: string): number {
  const [red, green, blue] = channels(hex).map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * red + 0.7152 * green + 0.0722 * blue;
}

/** The WCAG contrast ratio of two colours, from 1 to 21. */
export function contrastRatio(a: string, b: string): number {
  const [lighter, darker] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (lighter + 0.05) / (darker + 0.05);
}

/** The palette of a brand colour; an absent or malformed one gives the portal's own green. */
export function brandPalette(color: string | null | undefined): BrandPalette {
  const accent = color && isBrandColor(color) ? normalized(color) : DEFAULT_BRAND_COLOR;
  const onAccent = contrastRatio(accent, "#ffffff") >= contrastRatio(accent, "#000000") ? "#ffffff" : "#000000";
  let accentText = accent;
  const [red, green, blue] = channels(accent);
  // Mix with black a little at a time: the first mix that reads at 4.5:1 keeps the most of the colour.
  for (let step = 1; contrastRatio(accentText, PAGE_BACKGROUND) < AA_TEXT; step++) {
    const keep = 1 - step / 50;
    accentText = toHex([red * keep, green * keep, blue * keep]);
  }
  return { accent, onAccent, accentText };
}
