import { expect, test as base } from "@playwright/test";

/**
 * The browser tests' `test`: every page runs under the app's Content-Security-Policy, and a test fails when
 * Chromium reports a violation of it: the ones it logs to the console, and the ones it only dispatches as a
 * `securitypolicyviolation` event (a blocked `eval` probe, for one), which a script added to every page logs.
 */
export const test = base.extend({
  page: async ({ page }, provide) => {
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (event) => {
        console.error(
          `Content Security Policy violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`,
        );
      });
    });
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await provide(page);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
});

export { expect };
