import { randomBytes } from "node:crypto";

import type { Page } from "@playwright/test";

import { PREVIEW_STATES } from "../components/checkout/preview-states";
import { LOCALES } from "../lib/i18n/locales";
import { expect, test } from "./fixtures";
import { lookAt } from "./layout";
import { demoCheckout, registeredCheckout, signInAsStaff, signInToPortal } from "./support";

/**
 * Every page as people see it, at 375 and 1280 px: a screenshot of each in e2e-screenshots/ for people to look
 * at, and a layout check that fails when a word breaks across lines or something reaches past the screen.
 */

function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.com`;
}

async function payAtCheckout(page: Page, email: string, card: string): Promise<void> {
  await page.goto("/checkout");
  await page.getByLabel("Day pass").fill("1");
  await page.getByLabel("Full name").fill("Alexandra Montgomery-Fitzwilliam");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Card number").fill(card);
  await page.getByLabel("Expiry (MM/YY)").fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();
}

test("the pages with tables stay readable at 375 and 1280 px", async ({ page, request }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("tables");
  await registeredCheckout(request, "--email", email, "--name", "Alexandra Montgomery-Fitzwilliam");
  await registeredCheckout(request, "--email", email, "--name", "Alexandra Montgomery-Fitzwilliam");
  demoCheckout("--unpaid");
  demoCheckout("--expired");
  await payAtCheckout(page, uniqueEmail("declined"), "4000 0000 0000 0002");
  await expect(page.getByText("Your card was declined.")).toBeVisible();

  await signInToPortal(page, email);
  await expect(page.getByRole("row").filter({ hasText: /INV-/ })).toHaveCount(2);
  await lookAt(page, "portal-invoices");
  // The table fits its card in every language, the longer ones too.
  for (const locale of LOCALES.filter((other) => other !== "en")) {
    await page.context().addCookies([{ name: "locale", value: locale, url: page.url() }]);
    await page.reload();
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await lookAt(page, `portal-invoices-${locale}`);
  }
  await page.context().clearCookies({ name: "locale" });

  await page.context().clearCookies();
  await signInAsStaff(page);
  // The declined order is declined, not pending, and took no invoice number.
  const declinedRow = page.getByRole("row").filter({ hasText: "declined-" });
  await expect(declinedRow).toContainText("Declined");
  await expect(declinedRow).toContainText("Not issued");
  await lookAt(page, "staff-checkouts");
  await page.getByRole("link", { name: "Declined", exact: true }).click();
  await expect(page.getByRole("row").filter({ hasText: "Pending payment" })).toHaveCount(0);
  await expect(page.getByRole("row").filter({ hasText: "declined-" }).first()).toBeVisible();
  await page.goto("/staff");
  await page.getByRole("row").filter({ hasText: "Declined" }).getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 2, name: "Audit trail" })).toBeVisible();
  await lookAt(page, "staff-checkout-declined");
  await page.goto("/staff?status=registered");
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("region", { name: "Payment attempts" }).getByText(/pay_demo_/)).toBeVisible();
  await lookAt(page, "staff-checkout-registered");
  await page.goto("/staff/outbox");
  await lookAt(page, "staff-outbox");
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await lookAt(page, "staff-outbox-message");
});

test("every other page, at 375 and 1280 px", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/");
  await lookAt(page, "home");
  await page.goto("/checkout");
  await lookAt(page, "checkout");
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(page.getByRole("alert").filter({ hasText: /\S/ }).first()).toBeVisible();
  await lookAt(page, "checkout-invalid");
  await payAtCheckout(page, uniqueEmail("declined"), "4000 0000 0000 0002");
  await expect(page.getByText("Your card was declined.")).toBeVisible();
  await lookAt(page, "checkout-declined");
  await page.goto("/portal/sign-in");
  await lookAt(page, "portal-sign-in");
  await page.goto("/portal/check-email");
  await lookAt(page, "portal-check-email");
  await page.goto("/no-such-page");
  await lookAt(page, "not-found");
  await page.goto("/staff/sign-in");
  await lookAt(page, "staff-sign-in");
  await signInAsStaff(page);
  for (const preview of PREVIEW_STATES) {
    await page.goto(`/staff/preview?state=${preview.kind}`);
    await lookAt(page, `staff-preview-${preview.kind}`);
  }
});

test("every state of the completion page, as a guest reaches it, at 375 and 1280 px", async ({ page }) => {
  const heading = page.getByRole("heading", { level: 1 });

  await payAtCheckout(page, uniqueEmail("complete"), "4242 4242 4242 4242");
  await expect(heading).toHaveText("Thank you — you’re all set");
  await expect(page.getByRole("region", { name: "Receipt" })).toContainText(/INV-\d{4}-\d{6}/);
  await lookAt(page, "complete-success");

  const paid = demoCheckout();
  await page.goto(paid.completionUrl);
  await expect(heading).toHaveText("Thank you — you’re all set");
  await page.evaluate(() => {
    sessionStorage.clear();
    localStorage.clear();
  });
  await page.goto(paid.completionUrl);
  await expect(heading).toHaveText("This purchase is already complete");
  await lookAt(page, "complete-used");

  await page.goto(demoCheckout("--expired").completionUrl);
  await expect(heading).toContainText("expired");
  await lookAt(page, "complete-expired");

  const unknown = demoCheckout();
  await page.goto(unknown.completionUrl.replace(unknown.basketSession, "00000000-0000-4000-8000-000000000000"));
  await expect(heading).toContainText("find");
  await lookAt(page, "complete-not-found");

  await page.goto(demoCheckout("--unpaid").completionUrl);
  await expect(heading).toContainText("payment");
  await lookAt(page, "complete-pending");

  await page.goto(demoCheckout("--declined").completionUrl);
  await expect(heading).toHaveText("Your payment didn’t go through");
  await expect(page.getByRole("link", { name: "Back to checkout" })).toBeVisible();
  await lookAt(page, "complete-declined");

  await page.goto("/checkout/complete");
  await lookAt(page, "complete-missing-parameters");

  await page.route("**/registerByToken*", (route) =>
    route.fulfill({
      status: 429,
      headers: { "Retry-After": "30", "Content-Type": "application/problem+json" },
      body: JSON.stringify({ status: 429, code: "rate_limited", title: "Too many attempts" }),
    }),
  );
  await page.goto(demoCheckout().completionUrl);
  await expect(heading).toContainText("moment");
  await lookAt(page, "complete-rate-limited");

  await page.unroute("**/registerByToken*");
  await page.route("**/registerByToken*", (route) => route.abort("internetdisconnected"));
  await page.goto(demoCheckout().completionUrl);
  await expect(page.getByRole("button", { name: /Try again/ })).toBeVisible();
  await lookAt(page, "complete-network-error");
});
