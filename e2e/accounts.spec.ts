import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { expect, test } from "./fixtures";

import { E2E_MAIL_OUTBOX } from "../playwright.config";
import { waitForMail } from "../test/mail-outbox";
import { readPdf } from "../test/pdf-text";
import { nextSignInMail, registeredCheckout, signInMailsTo } from "./support";

test("a registered guest gets the receipt and the account e-mail, signs in through the link from the outbox and downloads the invoice", async ({
  page,
  request,
}) => {
  const email = `portal-${randomBytes(4).toString("hex")}@example.com`;
  const checkout = await registeredCheckout(request, "--email", email, "--name", "Portal Guest");

  const receipt = await waitForMail(
    E2E_MAIL_OUTBOX,
    (mail) => mail.to === email && /^Your receipt from /.test(mail.subject),
  );
  expect(receipt.attachments.map((attachment) => attachment.contentType)).toEqual(["application/pdf"]);
  const welcome = await waitForMail(
    E2E_MAIL_OUTBOX,
    (mail) => mail.to === email && /^Your account at .* is ready$/.test(mail.subject),
  );
  const signInPage = /Sign in to your account: (\S+)/.exec(welcome.text)?.[1];
  expect(signInPage).toBeDefined();

  await page.goto(signInPage!);
  await expect(page.getByRole("heading", { level: 1, name: "Sign in to your account" })).toBeVisible();
  await expect(page.getByLabel("E-mail address")).toHaveValue(email);
  const seen = await signInMailsTo(email);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();

  // The e-mail's link opens our page, which says whose link it is; its button signs in.
  const { url } = await nextSignInMail(email, seen);
  expect(url).toContain("/portal/sign-in/link?token=");
  await page.goto(url);
  await expect(page.getByText(`Sign in as ${email[0]}***@example.com on this device?`)).toBeVisible();
  await page.getByRole("button", { name: "Sign in", exact: true }).click();

  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("heading", { level: 1, name: "Your invoices" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
  const row = page.getByRole("row").filter({ hasText: /INV-\d{4}-\d{6}/ });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("£30.00");
  await expect(row).toContainText("Paid");

  const downloading = page.waitForEvent("download");
  await row.getByRole("link", { name: /^PDF of invoice INV-\d{4}-\d{6}$/ }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^INV-\d{4}-\d{6}\.pdf$/);
  const { text } = readPdf(readFileSync(await download.path()));
  expect(text).toContain("Portal Guest");
  expect(text).toContain(download.suggestedFilename().replace(".pdf", ""));

  // The one-time link does not work twice.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/portal\/sign-in/);
  await page.goto(url);
  await expect(page.getByRole("heading", { name: "This sign-in link was already used" })).toBeVisible();
  expect(checkout.invoiceId).toBeGreaterThan(0);
});

test("asking for a link for an unknown address looks the same and sends nothing", async ({ page }) => {
  const email = `nobody-${randomBytes(4).toString("hex")}@example.com`;
  await page.goto("/portal/sign-in");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Check your e-mail" })).toBeVisible();
  await expect(waitForMail(E2E_MAIL_OUTBOX, (mail) => mail.to === email, 1500)).rejects.toThrow(/no matching mail/);
});

test("the sign-in form explains a malformed address next to the field", async ({ page }) => {
  await page.goto("/portal/sign-in");
  await page.getByLabel("E-mail address").fill("not an address");
  await page.getByRole("button", { name: "E-mail me a sign-in link" }).click();
  await expect(page.getByText("Enter a valid e-mail address")).toBeVisible();
  await expect(page.getByLabel("E-mail address")).toHaveAttribute("aria-invalid", "true");
});

test("the portal sends a visitor who is not signed in to the sign-in page", async ({ page }) => {
  await page.goto("/portal");
  await expect(page).toHaveURL(/\/portal\/sign-in$/);
});

test("staff sign in with the seeded credentials, and a wrong password is refused in words", async ({ page }) => {
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/staff\/sign-in$/);

  await page.getByLabel("E-mail address").fill("staff@example.com");
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "do not match a staff account" })).toBeVisible();

  await page.getByLabel("Password").fill("staff-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByRole("heading", { level: 1, name: "Guest checkouts" })).toBeVisible();
  await expect(page.getByRole("banner")).toContainText("staff@example.com");
});

test("a staff session reads invoices of its business over the API; a customer session cannot reach staff pages", async ({
  page,
  request,
}) => {
  const checkout = await registeredCheckout(request);
  await page.goto("/staff/sign-in");
  await page.getByLabel("E-mail address").fill("staff@example.com");
  await page.getByLabel("Password").fill("staff-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/staff$/);

  const response = await page.request.get(`/api/public/billing/invoices/${checkout.invoiceId}`);
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ id: checkout.invoiceId, status: "paid" });

  const anonymous = await request.get(`/api/public/billing/invoices/${checkout.invoiceId}`);
  expect(anonymous.status()).toBe(401);
});
