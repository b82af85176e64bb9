import { expect, test as base } from "@playwright/test";

/**
 * The browser tests' `test`: every page runs under the app's Content-Security-Policy, and a test fails when
 * Chromium reports a violation of it (it logs each one to the console).
 */
export const test = base.extend({
  page: async ({ page }, provide) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    await provide(page);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
});

export { expect };
