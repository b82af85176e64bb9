import { mkdirSync } from "node:fs";
import path from "node:path";

import type { Locator, Page } from "@playwright/test";

import { expect } from "./fixtures";

/** The widths every page is looked at: the smallest phone the pages support, a common one, and a laptop. */
const WIDTHS = [320, 375, 1280] as const;

/** Where every e2e run writes its screenshots, for people to look at (not compared with anything). */
const SCREENSHOT_DIR = "e2e-screenshots";

/**
 * What is wrong with the page's layout at its current width, in words:
 * - an element reaches past the viewport's edge, other than inside a container that scrolls sideways;
 * - a table is wider than the box it stands in (it would spill out of its card);
 * - a word breaks across lines: any word in a table (money, badges, invoice numbers, headings), and any word
 *   of up to 24 characters elsewhere. Longer ones (e-mail addresses, links) may wrap outside tables, and
 *   code samples may wrap anywhere.
 */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const viewport = document.documentElement.clientWidth;
    const describe = (element: Element) =>
      `<${element.tagName.toLowerCase()}> “${(element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50)}”`;
    const scrollsSideways = (start: Element | null): boolean => {
      for (let element = start; element && element !== document.body; element = element.parentElement) {
        const { overflowX } = getComputedStyle(element);
        if (overflowX === "auto" || overflowX === "scroll") return true;
      }
      return false;
    };
    const hidden = (element: Element): boolean => {
      const style = getComputedStyle(element);
      return style.visibility === "hidden" || style.clipPath !== "none" || style.clip.startsWith("rect");
    };

    if (document.documentElement.scrollWidth > viewport + 1)
      problems.push(
        `the page scrolls sideways: ${document.documentElement.scrollWidth} px wide in a ${viewport} px viewport`,
      );
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || hidden(element)) continue;
      if ((box.right > viewport + 1 || box.left < -1) && !scrollsSideways(element.parentElement)) {
        problems.push(
          `reaches past the viewport (${Math.round(box.left)}–${Math.round(box.right)} px): ${describe(element)}`,
        );
      }
    }
    // A table wider than the box it stands in spills out of its card, even far from the viewport's edge.
    for (const table of document.body.querySelectorAll("table")) {
      const container = table.parentElement!;
      const inner = container.getBoundingClientRect().right - parseFloat(getComputedStyle(container).paddingRight);
      const right = table.getBoundingClientRect().right;
      if (right > inner + 1 && !scrollsSideways(container))
        problems.push(`a table reaches ${Math.round(right - inner)} px past its container: ${describe(table)}`);
    }

    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest("code, pre, script, style, iframe, [hidden]") || hidden(parent)) continue;
      const inTable = parent.closest("table") !== null;
      for (const word of (node.textContent ?? "").matchAll(/\S+/g)) {
        if (!inTable && word[0].length > 24) continue;
        // Prose may break after a hyphen ("e-" / "mail"); numbers and anything in a table may not break at all.
        const pieces = inTable || /\d/.test(word[0]) ? [word] : word[0].matchAll(/[^-]+-*|-+/g);
        for (const piece of pieces) {
          const start = word.index + (piece === word ? 0 : piece.index);
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + piece[0].length);
          const lines = new Set(
            [...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)),
          );
          if (lines.size > 1) problems.push(`“${word[0]}” breaks across ${lines.size} lines in ${describe(parent)}`);
        }
      }
    }
    return [...new Set(problems)];
  });
}

/**
 * Looks at the page as it is now at each width: writes a full-page screenshot to `e2e-screenshots/<name>-<width>.png`
 * and fails on any layout problem, and on what `alsoCheck` finds at that width. Leaves the page at the laptop width.
 */
export async function lookAt(
  page: Page,
  name: string,
  alsoCheck?: (width: number, label: string) => Promise<void>,
): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: width < 500 ? 812 : 800 });
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
    expect.soft(await layoutProblems(page), `${name} at ${width} px`).toEqual([]);
    await alsoCheck?.(width, `${name} at ${width} px`);
  }
}

/**
 * The empty stretches inside the completion page's card, in words: any band at least `minimum` px tall between its
 * top and bottom edge (inside its padding) where nothing is drawn: no text, no control, nothing with a background or
 * a border. The card ends where its content does, so a state with little to say leaves no hole.
 */
async function emptyBlocksInCompletionCard(page: Page, minimum = 48): Promise<string[]> {
  return page.evaluate((minimum) => {
    const card = document.querySelector<HTMLElement>("section[data-state]");
    if (!card) return ["no completion card on the page"];
    const style = getComputedStyle(card);
    const box = card.getBoundingClientRect();
    const top = box.top + parseFloat(style.borderTopWidth) + parseFloat(style.paddingTop);
    const bottom = box.bottom - parseFloat(style.borderBottomWidth) - parseFloat(style.paddingBottom);
    const drawn: [number, number][] = [];
    const visible = (element: Element) => {
      const css = getComputedStyle(element);
      return css.visibility !== "hidden" && css.clipPath === "none" && !css.clip.startsWith("rect");
    };
    for (const element of card.querySelectorAll("*")) {
      if (!visible(element)) continue;
      const css = getComputedStyle(element);
      const rect = element.getBoundingClientRect();
      if (rect.height === 0 || rect.width === 0) continue;
      const painted =
        css.backgroundColor !== "rgba(0, 0, 0, 0)" ||
        css.backgroundImage !== "none" ||
        ["Top", "Bottom", "Left", "Right"].some(
          (side) => parseFloat(css.getPropertyValue(`border-${side.toLowerCase()}-width`)) > 0,
        ) ||
        ["IMG", "SVG", "INPUT", "BUTTON", "svg"].includes(element.tagName);
      if (painted) drawn.push([rect.top, rect.bottom]);
    }
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent?.trim() || !node.parentElement || !visible(node.parentElement)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) if (rect.height > 0) drawn.push([rect.top, rect.bottom]);
    }
    drawn.sort((a, b) => a[0] - b[0]);
    const problems: string[] = [];
    let reached = top;
    for (const [start, end] of [...drawn, [bottom, bottom] as [number, number]]) {
      if (start - reached >= minimum)
        problems.push(
          `an empty block of ${Math.round(start - reached)} px in the card, ${Math.round(reached - top)} px below its top`,
        );
      reached = Math.max(reached, end);
    }
    return problems;
  }, minimum);
}

/**
 * Looks at a state of the completion page (the guest's, or the staff preview's) as `lookAt` does, and fails on any
 * empty block inside its card at any width. Leaves the page at the laptop width.
 */
export async function lookAtCompletionState(page: Page, name: string): Promise<void> {
  await lookAt(page, name, async (_width, label) => {
    expect.soft(await emptyBlocksInCompletionCard(page), label).toEqual([]);
  });
}

/**
 * What is wrong with a staff page's layout beyond layoutProblems, in words:
 * - (when `noSidewaysScroll`) anything scrolls sideways, even inside a container made to (a table's region): on a
 *   phone each table row is a card, so nothing should need to;
 * - a button comes within 6 px of an element beside it (other than what it stands in or holds), or a word of its
 *   label breaks across lines, even at a hyphen ("e-" / "mail").
 */
async function staffLayoutProblems(
  page: Page,
  buttonsOutside: string | null,
  noSidewaysScroll: boolean,
): Promise<string[]> {
  return page.evaluate(
    ([buttonsOutside, noSidewaysScroll]) => {
      const problems: string[] = [];
      const describe = (element: Element) =>
        `<${element.tagName.toLowerCase()}> “${(element.textContent ?? "").trim().replace(/\s+/g, " ").slice(0, 50)}”`;
      const shown = (element: Element) => {
        const box = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        return box.width > 0 && box.height > 0 && style.visibility !== "hidden" && style.clipPath === "none";
      };

      for (const element of noSidewaysScroll ? document.body.querySelectorAll("*") : []) {
        const { overflowX } = getComputedStyle(element);
        if ((overflowX === "auto" || overflowX === "scroll") && element.scrollWidth > element.clientWidth + 1)
          problems.push(
            `scrolls sideways (${element.scrollWidth} px in ${element.clientWidth} px): ${describe(element)}`,
          );
      }

      const SPACE = 6;
      const elements = [...document.body.querySelectorAll("*")].filter(shown);
      for (const button of document.body.querySelectorAll("button")) {
        if (!shown(button) || (buttonsOutside && button.closest(buttonsOutside))) continue;
        const box = button.getBoundingClientRect();
        for (const other of elements) {
          if (other === button || other.contains(button) || button.contains(other)) continue;
          const near = other.getBoundingClientRect();
          if (
            near.left < box.right + SPACE &&
            box.left - SPACE < near.right &&
            near.top < box.bottom + SPACE &&
            box.top - SPACE < near.bottom
          )
            problems.push(`${describe(button)} touches ${describe(other)}`);
        }
        const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const word of (node.textContent ?? "").matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, word.index);
            range.setEnd(node, word.index + word[0].length);
            const lines = new Set(
              [...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)),
            );
            if (lines.size > 1) problems.push(`“${word[0]}” breaks across ${lines.size} lines in ${describe(button)}`);
          }
        }
      }
      return [...new Set(problems)];
    },
    [buttonsOutside, noSidewaysScroll] as const,
  );
}

/**
 * Looks at a staff page as lookAt does (a screenshot at each width, the same checks) and more: from 375 px nothing on
 * it scrolls sideways, each of `inView` (a row's guest and status, say) lies within the screen's width, and no button touches
 * its neighbours or breaks a word (staffLayoutProblems; `buttonsOutside` leaves out the buttons inside what it
 * selects). Leaves the page at the laptop width.
 */
export async function lookAtStaffPage(
  page: Page,
  name: string,
  inView: Locator[] = [],
  { buttonsOutside = null }: { buttonsOutside?: string | null } = {},
): Promise<void> {
  await lookAt(page, name, async (width, label) => {
    // At 320 px an address of 40-odd characters is wider than a card; it scrolls in its table's region rather
    // than break (layoutProblems: no word in a table breaks). From 375 px nothing may scroll.
    expect.soft(await staffLayoutProblems(page, buttonsOutside, width >= 375), label).toEqual([]);
    for (const part of inView) {
      await expect.soft(part, label).toBeVisible();
      const box = await part.boundingBox();
      expect.soft(box && box.x >= 0 && box.x + box.width <= width, `${label}: ${part} in view`).toBe(true);
    }
  });
}
