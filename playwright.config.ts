import { existsSync } from "node:fs";

import { defineConfig, devices } from "@playwright/test";

/** E2E_PORT lets a second checkout run its browser tests beside this one. */
const PORT = Number(process.env.E2E_PORT ?? 3210);
export const E2E_BASE_URL = `http://127.0.0.1:${PORT}`;
export const E2E_DATABASE_URL = "file:./.data/e2e/app.db";
export const E2E_MAIL_OUTBOX = ".data/e2e/mail-outbox";
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Browser and black-box API tests against the built app (`next start`) on a database of their own,
 * in Debian's Chromium (Playwright's own browser download is not reachable here).
 */
export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    video: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: existsSync(chromium) ? chromium : undefined,
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    // The same start script as `npm start`: migrate, seed, build when the sources changed, serve.
    command: "rm -rf .data/e2e && node_modules/.bin/tsx --conditions=react-server scripts/start.ts",
    url: `http://127.0.0.1:${PORT}/api/health`,
    env: {
      PORT: String(PORT),
      DATABASE_URL: E2E_DATABASE_URL,
      APP_URL: E2E_BASE_URL,
      APP_ENV: "development",
      MAIL_OUTBOX_DIR: E2E_MAIL_OUTBOX,
      MAIL_WORKER_INTERVAL_MS: "500",
      // Every browser test pays from 127.0.0.1; the card-testing brake is covered by the integration tests.
      RATE_LIMIT_CHECKOUT_POINTS: "10000",
    },
    reuseExistingServer: false,
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
  },
});
