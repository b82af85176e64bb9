import { existsSync } from "node:fs";

import { chromium } from "@playwright/test";

/** What the bench prints of the completion page: navigation start → the download link and receipt on screen. */
export interface CompletionPageTiming {
  /** Page loads measured (each in a fresh browser context, each a basket never registered). */
  runs: number;
  /** Milliseconds from navigation start, median and slowest, to the success view with its receipt and link. */
  medianMs: number;
  maxMs: number;
  /** The same to the first paint after it (the frame that shows it). */
  paintedMedianMs: number;
  /** When the HTML, the registration's answer and the summary's arrived: the median of each, over the same runs. */
  responseEndMedianMs: number;
  registeredMedianMs: number;
  summaryMedianMs: number;
  everyRunMs: number[];
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * In the page, before its own scripts: notes when the success view shows the receipt and the download link (a
 * MutationObserver, so the moment is the DOM's, not the bench's polling), and the frame painted after it. A string,
 * not a function: tsx would compile a function with helpers (`__name`) the page does not have.
 */
const OBSERVE_SUCCESS = `
  const shown = () =>
    document.querySelector('[data-state="success"] a[download]') !== null &&
    document.querySelector('[data-state="success"] #receipt-heading') !== null;
  const observer = new MutationObserver(() => {
    if (window.__linkShownAt !== undefined || !shown()) return;
    window.__linkShownAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => (window.__linkPaintedAt = performance.now()), 0));
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
`;

/** The marks of OBSERVE_SUCCESS and the Resource Timing of the page's two API calls; a string for the same reason. */
const READ_TIMINGS = `(() => {
  const navigation = performance.getEntriesByType("navigation")[0];
  const resources = performance.getEntriesByType("resource");
  const ended = (part) => resources.find((entry) => entry.name.includes(part))?.responseEnd ?? NaN;
  return {
    shown: window.__linkShownAt,
    painted: window.__linkPaintedAt,
    responseEnd: navigation?.responseEnd ?? NaN,
    registered: ended("/registerByToken"),
    summary: ended("/summaryByToken"),
  };
})()`;

interface CompletionRun {
  shown: number;
  painted: number;
  responseEnd: number;
  registered: number;
  summary: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Opens `/checkout/complete` for each address of `completionPaths` (the first two as a warm-up, not counted) in
 * Debian's Chromium at a phone's size, against the built app at `baseUrl`, as a guest's browser arriving from the
 * payment would: a new context each time, so nothing is kept from the run before.
 */
export async function measureCompletionPage(
  baseUrl: string,
  completionPaths: readonly string[],
  warmUp = 2,
): Promise<CompletionPageTiming> {
  const browser = await chromium.launch({
    executablePath: existsSync(CHROMIUM) ? CHROMIUM : undefined,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
  const runs: CompletionRun[] = [];
  try {
    for (const [index, completionPath] of completionPaths.entries()) {
      const context = await browser.newContext({
        viewport: { width: 375, height: 812 },
        deviceScaleFactor: 2,
        bypassCSP: true,
      });
      const page = await context.newPage();
      await page.addInitScript({ content: OBSERVE_SUCCESS });
      const answers: string[] = [];
      page.on("response", (response) => {
        if (response.url().includes("/api/")) answers.push(`${response.status()} ${new URL(response.url()).pathname}`);
      });
      await page.goto(`${baseUrl}${completionPath}`);
      await page.waitForFunction("window.__linkPaintedAt !== undefined", null, { timeout: 30_000 }).catch(async () => {
        const state = await page.locator("[data-state]").first().getAttribute("data-state");
        throw new Error(
          `the completion page showed "${state ?? "nothing"}", not the receipt and its link (${answers.join(", ")})`,
        );
      });
      const run = (await page.evaluate(READ_TIMINGS)) as CompletionRun;
      await context.close();
      if (index >= warmUp) runs.push(run);
    }
  } finally {
    await browser.close();
  }
  const of = (pick: (run: CompletionRun) => number) => Math.round(median(runs.map(pick)));
  return {
    runs: runs.length,
    medianMs: of((run) => run.shown),
    maxMs: Math.round(Math.max(...runs.map((run) => run.shown))),
    paintedMedianMs: of((run) => run.painted),
    responseEndMedianMs: of((run) => run.responseEnd),
    registeredMedianMs: of((run) => run.registered),
    summaryMedianMs: of((run) => run.summary),
    everyRunMs: runs.map((run) => Math.round(run.shown)),
  };
}
