import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Page, TestInfo } from "@playwright/test";

import { E2E_BASE_URL } from "../playwright.config";
import { expect, test } from "./fixtures";
import { demoCheckout, expectNoSeriousA11yViolations } from "./support";

const CARD_OK = "4242 4242 4242 4242";
const CARD_DECLINED = "4000 0000 0000 0002";
const CARD_SETTLES_LATER = "4000 0000 0000 3220";

function uniqueEmail(): string {
  return `guest-${randomBytes(4).toString("hex")}@example.com`;
}

async function fillCheckout(page: Page, options: { email: string; card: string; dayPasses?: number }): Promise<void> {
  await page.goto("/checkout");
  await page.getByLabel("Day pass").fill(String(options.dayPasses ?? 1));
  await page.getByLabel("Full name").fill("Robin Guest");
  await page.getByLabel("E-mail address").fill(options.email);
  await page.getByLabel("Card number").fill(options.card);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
}

/** Pays and returns the completion URL the checkout answered with (it still carries the basket GUID). */
async function pay(page: Page): Promise<string> {
  // The page's request for the completion page carries the address as the checkout answered it, before the
  // page drops the GUID from the address bar.
  const navigation = page.waitForRequest(
    (request) => request.isNavigationRequest() && request.url().includes("/checkout/complete?"),
  );
  await page.getByRole("button", { name: /^Pay / }).click();
  return (await navigation).url();
}

async function screenshotState(page: Page, testInfo: TestInfo, state: string): Promise<void> {
  const path = testInfo.outputPath(`completion-${state}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(`completion state: ${state}`, { path, contentType: "image/png" });
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

test("a guest buys a day pass, sees the receipt, downloads the PDF and reloads without registering again", async ({
  page,
}, testInfo) => {
  const registrations: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/registerByToken")) registrations.push(request.headers()["idempotency-key"] ?? "");
  });
  const email = uniqueEmail();
  await fillCheckout(page, { email, card: CARD_OK, dayPasses: 2 });
  await expect(page.getByRole("button", { name: "Pay £60.00" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await pay(page);
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
  await expect(heading(page)).toBeFocused();
  await expect(page).toHaveURL(/\/checkout\/complete\?invoiceId=\d+$/);
  const receipt = page.getByRole("region", { name: "Receipt" });
  await expect(receipt).toContainText(/INV-\d{4}-\d{6}/);
  await expect(receipt).toContainText("Day pass2\u00a0×\u00a0£25.00£50.00");
  await expect(receipt).toContainText("Total paid£60.00");
  await expect(page.getByText(email, { exact: true })).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await screenshotState(page, testInfo, "success");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download invoice (PDF)" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^INV-\d{4}-\d{6}\.pdf$/);
  expect(
    readFileSync(await download.path())
      .subarray(0, 5)
      .toString(),
  ).toBe("%PDF-");

  const reloaded = await page.reload();
  expect(reloaded?.headers()["referrer-policy"]).toBe("no-referrer");
  expect(reloaded?.headers()["cache-control"]).toContain("no-store");
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
  await expect(receipt).toContainText("Total paid£60.00");
  expect(registrations).toHaveLength(1);
  expect(registrations[0]).toMatch(/^[0-9a-f-]{36}$/);
});

test("a declined card is explained next to the card, and the next card pays the same order once", async ({ page }) => {
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_DECLINED });
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByText("Your card was declined. No money was taken. Try another card.")).toBeVisible();
  await expect(page.getByLabel("Card number")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/checkout$/);

  await page.getByLabel("Card number").fill(CARD_OK);
  await pay(page);
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
});

test("the checkout explains missing details next to their fields", async ({ page }) => {
  await page.goto("/checkout");
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByText("Choose at least one product")).toBeVisible();
  await expect(page.getByText("Enter your full name")).toBeVisible();
  await expect(page.getByText("Enter your e-mail address")).toBeVisible();
  await expect(page.getByText("Enter the card number")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveAttribute("aria-invalid", "true");
});

test("double-clicking Pay places and charges the order once", async ({ page }) => {
  const checkouts: number[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/checkout")) checkouts.push(1);
  });
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_OK });
  await page.getByRole("button", { name: /^Pay / }).dblclick();
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
  expect(checkouts).toHaveLength(1);
});

test("the used link opened in a fresh browser says the purchase is complete and how to sign in", async ({
  page,
  browser,
}, testInfo) => {
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_OK });
  const completionUrl = await pay(page);
  await expect(heading(page)).toHaveText("Thank you — you’re all set");

  const context = await browser.newContext({ baseURL: E2E_BASE_URL });
  const fresh = await context.newPage();
  await fresh.goto(completionUrl);
  await expect(heading(fresh)).toHaveText("This purchase is already complete");
  await expect(fresh.getByText("Your payment was received")).toBeVisible();
  await expect(fresh.getByRole("link", { name: "Sign in to your account" })).toHaveAttribute("href", "/portal/sign-in");
  await expectNoSeriousA11yViolations(fresh);
  await screenshotState(fresh, testInfo, "used");
  await context.close();
});

test("an expired link says so, says the payment is untouched and offers sign-in", async ({ page }, testInfo) => {
  await page.goto(demoCheckout("--expired").completionUrl);
  await expect(heading(page)).toHaveText("This link has expired");
  await expect(page.getByText("Nothing about your payment has changed.", { exact: false })).toBeVisible();
  await screenshotState(page, testInfo, "expired");
});

test("missing, malformed or unknown parameters get a clear message and a way back", async ({ page }, testInfo) => {
  for (const query of [
    "",
    "?basketSession=" + randomUUID(),
    "?invoiceId=abc&basketSession=" + randomUUID(),
    "?invoiceId=1&basketSession=not-a-guid",
  ]) {
    await page.goto(`/checkout/complete${query}`);
    await expect(heading(page), query).toHaveText("This page needs your checkout link");
  }
  await expect(page.getByRole("link", { name: "Go to the shop" })).toHaveAttribute("href", "/checkout");
  await expectNoSeriousA11yViolations(page);
  await screenshotState(page, testInfo, "missing-parameters");

  await page.goto(`/checkout/complete?invoiceId=1&basketSession=${randomUUID()}`);
  await expect(heading(page)).toHaveText("We couldn’t find this purchase");
  await screenshotState(page, testInfo, "not-found");
});

test("a payment still being confirmed shows as pending, then turns into success by itself", async ({
  page,
}, testInfo) => {
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_SETTLES_LATER });
  await pay(page);
  await expect(heading(page)).toHaveText("Confirming your payment…");
  await expect(page.getByText(/checks again by itself in \d+ seconds/)).toBeVisible();
  await screenshotState(page, testInfo, "pending");
  await expect(heading(page)).toHaveText("Thank you — you’re all set", { timeout: 30_000 });
});

test("while a payment stays pending, the countdown starts again from each retry's wait", async ({ page }) => {
  let attempts = 0;
  await page.route("**/registerByToken**", (route) => {
    attempts++;
    return route.fulfill({
      status: 409,
      contentType: "application/problem+json",
      body: JSON.stringify({ title: "Payment not completed yet", status: 409, code: "payment_pending" }),
    });
  });
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_SETTLES_LATER });
  await pay(page);
  await expect(heading(page)).toHaveText("Confirming your payment…");
  // The first wait is 2 s, the next 4 s: after the first retry the countdown shows 4, 3…, not a stuck 0.
  await expect(page.getByText(/checks again by itself in 4 seconds/)).toBeVisible({ timeout: 10_000 });
  expect(attempts).toBeGreaterThanOrEqual(2);
  await expect(page.getByText(/checks again by itself in [1-3] seconds?/)).toBeVisible({ timeout: 5_000 });
});

test("a response lost on the network is retried with the same Idempotency-Key and succeeds", async ({
  page,
}, testInfo) => {
  const keys: string[] = [];
  let first = true;
  await page.route("**/registerByToken**", async (route) => {
    keys.push(route.request().headers()["idempotency-key"] ?? "");
    if (first) {
      first = false;
      await route.fetch(); // the server registers the guest…
      await route.abort("connectionreset"); // …and the answer never arrives
      return;
    }
    await route.continue();
  });
  await fillCheckout(page, { email: uniqueEmail(), card: CARD_OK });
  await pay(page);
  await expect(heading(page)).toHaveText("We couldn’t finish just now");
  await expect(page.getByText("Trying again never charges you.", { exact: false })).toBeVisible();
  await screenshotState(page, testInfo, "network-error");

  await page.getByRole("button", { name: "Try again" }).click();
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
  expect(keys).toHaveLength(2);
  expect(keys[1]).toBe(keys[0]);
});

test("too many attempts shows the rate-limited state with the wait", async ({ page }, testInfo) => {
  await page.route("**/registerByToken**", (route) =>
    route.fulfill({
      status: 429,
      headers: { "content-type": "application/problem+json", "retry-after": "42" },
      body: JSON.stringify({
        type: "urn:problem:rate_limited",
        title: "Too many attempts",
        status: 429,
        detail: "Wait.",
        code: "rate_limited",
      }),
    }),
  );
  await page.goto(demoCheckout().completionUrl);
  await expect(heading(page)).toHaveText("Please wait a moment");
  // The wait counts down from the server's Retry-After.
  const wait = page.getByText(/Please wait \d+ seconds?, then try again\./);
  const secondsLeft = async () => Number(/(\d+) second/.exec((await wait.textContent()) ?? "")?.[1]);
  await expect(wait).toBeVisible();
  const first = await secondsLeft();
  expect(first).toBeGreaterThanOrEqual(40);
  expect(first).toBeLessThanOrEqual(42);
  await expect.poll(secondsLeft, { timeout: 5000 }).toBeLessThan(first);
  await screenshotState(page, testInfo, "rate-limited");
});

test("the completion page fits a 320 px screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 700 });
  await fillCheckout(page, {
    email: `a-rather-long-address-${randomBytes(4).toString("hex")}@example.com`,
    card: CARD_OK,
  });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await pay(page);
  await expect(heading(page)).toHaveText("Thank you — you’re all set");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});
