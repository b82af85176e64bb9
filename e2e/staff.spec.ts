import type { Page } from "@playwright/test";

import { PREVIEW_STATES } from "../components/checkout/preview-states";
import { LOCALES } from "../lib/i18n/locales";
import { expect, test } from "./fixtures";
import { E2E_BASE_URL } from "../playwright.config";
import { catalogueOf, demoCheckout, expectNoSeriousA11yViolations, registeredCheckout, signInAsStaff } from "./support";

/** The e-mail preview is a sandboxed iframe (no scripts), which axe cannot enter; the e-mail is checked apart. */
const expectAccessible = (page: Page, what: string) => expectNoSeriousA11yViolations(page, what, { exclude: "iframe" });

test("staff pages send anyone who is not staff to the sign-in page, never showing data", async ({ page }) => {
  for (const path of ["/staff", "/staff/outbox", "/staff/outbox/1", "/staff/preview", "/staff/checkouts/1"]) {
    await page.goto(path);
    await expect(page, path).toHaveURL(/\/staff\/sign-in$/);
  }
});

test("staff pages answer a bad query value with the first page or the not-found page, never an error", async ({
  page,
}) => {
  await signInAsStaff(page);
  for (const path of [
    "/staff?page=1e308",
    "/staff?page=-1",
    "/staff?page=abc",
    "/staff?page=1&page=2",
    "/staff?status=bogus&page=0",
    "/staff?status=paid&page=99999999999",
  ]) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(200);
    await expect(page.getByText(/Page 1 of \d+/), path).toBeVisible();
  }
  for (const path of ["/staff/preview?state=nope", "/staff/preview?state=success&state=used"]) {
    expect((await page.goto(path))?.status(), path).toBe(200);
  }
  for (const path of [
    "/staff/checkouts/1e308",
    "/staff/checkouts/-1",
    "/staff/checkouts/99999999999",
    "/staff/outbox/abc",
    "/staff/outbox/0",
  ]) {
    expect((await page.goto(path))?.status(), path).toBe(404);
  }
});

test("staff find a guest's checkout, its invoice, customer and audit trail, and read its e-mail", async ({
  page,
  request,
}) => {
  const checkout = await registeredCheckout(request, "--name", "Audit Trail Guest");
  await signInAsStaff(page);

  await expect(page.getByRole("heading", { level: 1, name: "Guest checkouts" })).toBeVisible();
  await page.getByRole("link", { name: "Registered", exact: true }).click();
  const row = page.getByRole("row").filter({ hasText: "Audit Trail Guest" });
  await expect(row).toContainText("Registered");
  await expectAccessible(page, "checkouts");
  await row.getByRole("link").first().click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText("Checkout #");
  await expect(page.getByText("created by this checkout")).toBeVisible();
  const trail = page.getByRole("region", { name: "Audit trail" });
  await expect(trail).toContainText("checkout.created");
  await expect(trail).toContainText("checkout.paid");
  await expect(trail).toContainText("registration.succeeded");
  await expectAccessible(page, "checkout detail");

  await page.getByRole("button", { name: "Resend the registration e-mail" }).click();
  await expect(page.getByText(/Queued again for/)).toBeVisible();

  await page.getByRole("link", { name: "Mail outbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mail outbox" })).toBeVisible();
  await page
    .getByRole("link", { name: /Account ready/ })
    .first()
    .click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(/Your account at .* is ready/);
  await expect(page.locator("pre")).toContainText("Hello");
  await expectAccessible(page, "outbox message");
  expect(checkout.invoiceId).toBeGreaterThan(0);
});

test("staff preview every state of the completion page in every language, with the banner and no serious accessibility violation", async ({
  page,
}) => {
  test.setTimeout(180_000);
  await signInAsStaff(page);
  for (const locale of LOCALES) {
    const { completion } = catalogueOf(locale);
    for (const preview of PREVIEW_STATES) {
      await page.goto(`/staff/preview?state=${preview.kind}&locale=${locale}`);
      await expect(page.getByText("Preview — nothing is saved")).toBeVisible();
      const state = page.locator(`[lang="${locale}"] [data-state="${preview.kind}"]`);
      await expect(state.getByRole("heading", { level: 1 })).toHaveText(completion[preview.kind].heading);
      await expectAccessible(page, `${preview.kind} in ${locale}`);
    }
  }
  // The staff page around the preview stays in the business's language.
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  const robots = await page.locator('meta[name="robots"]').getAttribute("content");
  expect(robots).toContain("noindex");
});

test("a dry run reports what would happen and leaves the basket usable by the guest", async ({ page, browser }) => {
  const checkout = demoCheckout();
  await signInAsStaff(page);
  await page.goto("/staff/preview");
  const dryRun = page.getByRole("region", { name: "Dry run for a real checkout" });
  await dryRun.getByLabel("Invoice id").fill(String(checkout.invoiceId));
  await dryRun.getByLabel(/Basket session/).fill(checkout.basketSession);
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("would create a new customer");

  // Twice, and still the guest's first visit registers them.
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("would create a new customer");
  const guest = await (await browser.newContext()).newPage();
  await guest.goto(checkout.completionUrl);
  await expect(guest.getByRole("heading", { level: 1 })).toHaveText("Thank you — you’re all set");

  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("Already registered");
});

test("staff create a demo checkout from the preview page: it fills the one dry-run form, with no second form", async ({
  page,
}) => {
  await signInAsStaff(page);
  await page.goto("/staff/preview");
  const demo = page.getByRole("region", { name: "Demo checkout" });
  const dryRun = page.getByRole("region", { name: "Dry run for a real checkout" });
  await demo.getByLabel("Payment declined").check();
  await demo.getByRole("button", { name: "Create a demo checkout" }).click();
  const created = demo.getByText(/Demo checkout created: invoice id (\d+)/);
  await expect(created).toBeVisible();
  const invoiceId = /invoice id (\d+)/.exec((await created.textContent()) ?? "")?.[1];

  // One form, one button, unique ids: the demo fills the dry-run form rather than showing its own.
  await expect(page.getByRole("button", { name: "Dry-run the registration" })).toHaveCount(1);
  await expect(page.locator("#dry-run-invoice")).toHaveCount(1);
  expect(
    await page.evaluate(() =>
      [...document.querySelectorAll("[id]")]
        .map((element) => element.id)
        .filter((id, index, ids) => ids.indexOf(id) !== index),
    ),
  ).toEqual([]);
  await expect(dryRun.getByLabel("Invoice id")).toHaveValue(invoiceId!);
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("The payment was declined");

  await demo.getByLabel("Paid", { exact: true }).check();
  await demo.getByRole("button", { name: "Create a demo checkout" }).click();
  await expect(dryRun.getByLabel("Invoice id")).not.toHaveValue(invoiceId!);
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("would create a new customer");
});

test("staff act from whatever address the portal is reached by, and another site's page is refused in words", async ({
  browser,
}) => {
  // The server's APP_URL names 127.0.0.1; the staff member opens it as localhost.
  const byName = E2E_BASE_URL.replace("127.0.0.1", "localhost");
  const context = await browser.newContext({ baseURL: byName });
  const page = await context.newPage();
  await signInAsStaff(page);
  await page.goto("/staff/preview");
  const demo = page.getByRole("region", { name: "Demo checkout" });
  await demo.getByLabel("Paid", { exact: true }).check();
  await demo.getByRole("button", { name: "Create a demo checkout" }).click();
  await expect(demo.getByText(/Demo checkout created: invoice id \d+/)).toBeVisible();
  const dryRun = page.getByRole("region", { name: "Dry run for a real checkout" });
  await dryRun.getByRole("button", { name: "Dry-run the registration" }).click();
  await expect(dryRun.getByRole("status")).toContainText("would create a new customer");

  // The same session, from another site's page: refused, saying which origins were expected.
  const foreign = await context.request.post("/api/staff/demo-checkouts", {
    headers: { origin: "http://evil.example" },
    data: { scenario: "paid" },
  });
  expect(foreign.status()).toBe(403);
  const refusal = (await foreign.json()) as { code: string; detail: string };
  expect(refusal.code).toBe("cross_site_request");
  expect(refusal.detail).toContain(byName);
  expect(refusal.detail).toContain("http://evil.example");
  await context.close();
});
