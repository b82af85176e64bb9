import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Page } from "@playwright/test";

import { LOCALES } from "../lib/i18n/locales";
import { E2E_MAIL_OUTBOX } from "../playwright.config";
import { waitForMail } from "../test/mail-outbox";
import { readPdf } from "../test/pdf-text";
import { expect, test } from "./fixtures";
import { lookAt } from "./layout";
import { catalogueOf as catalogue, demoCheckout, expectNoSeriousA11yViolations } from "./support";

/**
 * The guest's language, in the built app and real Chromium: the browser's Accept-Language picks it, the switcher
 * changes and remembers it, and the checkout, the completion page, the e-mails and the invoice follow it.
 */

function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.com`;
}

const heading = (page: Page) => page.getByRole("heading", { level: 1 });

test.describe("a browser that asks for German", () => {
  test.use({ locale: "de-DE" });

  test("gets the whole flow in German: checkout, completion page, e-mails and invoice", async ({ page }) => {
    test.setTimeout(120_000);
    const de = catalogue("de");
    const email = uniqueEmail("deutsch");
    await page.goto("/checkout");
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    await expect(heading(page)).toHaveText("Platz buchen");
    await expect(page).toHaveTitle("Platz buchen · Hive & Desk Coworking");

    // The form explains in German what is missing or too long, with the field's own limit.
    // The demo business names its products in German too.
    await page.getByLabel("Tagespass").fill("2");
    await page.getByLabel(de.checkout.phone).fill("0".repeat(41));
    await page.getByRole("button", { name: /bezahlen$/ }).click();
    await expect(page.getByText(de.checkout.errors.fullName)).toBeVisible();
    await expect(page.getByText("Höchstens 40 Zeichen")).toBeVisible();
    await page.getByLabel(de.checkout.phone).fill("");

    await page.getByLabel(de.checkout.fullName).fill("Greta Gast");
    await page.getByLabel(de.checkout.email).fill(email);
    await page.getByLabel(de.checkout.cardNumber).fill("4242 4242 4242 4242");
    await page.getByLabel(de.checkout.cardExpiry).fill("12/34");
    await page.getByLabel(de.checkout.cardCvc).fill("123");
    await expect(page.getByRole("button", { name: "60,00 £ bezahlen" })).toBeVisible();
    await expectNoSeriousA11yViolations(page, "checkout");
    await lookAt(page, "checkout-de");
    await page.getByRole("button", { name: "60,00 £ bezahlen" }).click();

    // The completion page: its address is the one it always was; its words are German.
    await expect(heading(page)).toHaveText(de.completion.success.heading);
    await expect(page).toHaveURL(/\/checkout\/complete\?invoiceId=\d+$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "de");
    const receipt = page.getByRole("region", { name: de.completion.receipt.heading });
    await expect(receipt).toContainText(`${de.completion.receipt.totalPaid}60,00\u00a0£`);
    await expectNoSeriousA11yViolations(page, "completion");

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: de.completion.success.download }).click();
    const pdf = readPdf(readFileSync(await (await downloading).path())).text;
    expect(pdf).toContain("RECHNUNG AN");
    expect(pdf).toMatch(new RegExp(`${de.invoice.totalPaid} +60,00\\s£`));

    const receiptMail = await waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === email && mail.subject.startsWith("Ihr Beleg von "),
    );
    expect(receiptMail.text).toContain("Hallo Greta Gast,");
    expect(readPdf(receiptMail.attachments[0]!.content).text).toContain("Rechnungsdatum");
    const welcome = await waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === email && mail.subject !== receiptMail.subject,
    );
    expect(welcome.subject).toMatch(/^Ihr Konto bei .* ist bereit$/);
    expect(welcome.text).toContain("Hallo Greta Gast,");

    // The way back to the invoice: the portal's sign-in, the sign-in e-mail (in the customer's language) and the
    // invoices, all in German.
    await page.getByRole("link", { name: de.completion.success.goToAccount }).click();
    await expect(heading(page)).toHaveText(de.portal.signIn.title);
    await page.getByLabel(de.portal.signIn.email).fill(email);
    await page.getByRole("button", { name: de.portal.signIn.send }).click();
    await expect(heading(page)).toHaveText(de.portal.checkEmail.title);
    const link = await waitForMail(
      E2E_MAIL_OUTBOX,
      (mail) => mail.to === email && mail.subject === de.email.signInLink.subject,
    );
    expect(link.text).toContain(de.email.signInLink.body);
    expect(link.text).toContain(de.email.signInLink.codeLabel);
    // The link's page, in German too: it names the address and its button signs in.
    await page.goto(/Anmelden: (\S+)/.exec(link.text)![1]!);
    await expect(heading(page)).toHaveText(de.portal.signInLink.title);
    await expectNoSeriousA11yViolations(page, "sign-in link");
    await lookAt(page, "sign-in-link-de");
    await page.getByRole("button", { name: de.portal.signInLink.button, exact: true }).click();
    await expect(heading(page)).toHaveText(de.portal.invoices.title);
    await expect(page.getByRole("table")).toContainText(de.portal.invoices.paid);
    await expect(page.getByRole("table")).toContainText("60,00\u00a0£");
    await expectNoSeriousA11yViolations(page, "portal");
    await lookAt(page, "portal-de");
  });
});

test("the switcher changes the language where the guest is, keeps what they typed and what they did, and is remembered", async ({
  page,
}) => {
  const registrations: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/registerByToken")) registrations.push(request.url());
  });
  await page.goto("/checkout");
  await expect(heading(page)).toHaveText(catalogue("en").checkout.title);
  await page.getByLabel("Full name").fill("Camille Invitée");

  // By keyboard: the focus stays on the language chosen, and the change is announced in the new language.
  await page.getByRole("navigation", { name: "Language" }).getByRole("button", { name: "Français" }).focus();
  await page.keyboard.press("Enter");
  const fr = catalogue("fr");
  await expect(page.getByRole("status").filter({ hasText: fr.frame.switched })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Français" })).toBeFocused();
  await expect(heading(page)).toHaveText(fr.checkout.title);
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expect(page.getByLabel(fr.checkout.fullName)).toHaveValue("Camille Invitée");
  await expect(
    page.getByRole("navigation", { name: fr.frame.language }).getByRole("button", { name: "Français" }),
  ).toHaveAttribute("aria-current", "true");

  await page.getByLabel("Pass journée").fill("1");
  await page.getByLabel(fr.checkout.email).fill(uniqueEmail("francais"));
  await page.getByLabel(fr.checkout.cardNumber).fill("4242 4242 4242 4242");
  await page.getByLabel(fr.checkout.cardExpiry).fill("12/34");
  await page.getByLabel(fr.checkout.cardCvc).fill("123");
  await page.getByRole("button", { name: /^Payer / }).click();
  await expect(heading(page)).toHaveText(fr.completion.success.heading);

  // On the completion page, switching re-renders the words, not the purchase: no second registration.
  const es = catalogue("es");
  await page.getByRole("navigation", { name: fr.frame.language }).getByRole("button", { name: "Español" }).click();
  await expect(heading(page)).toHaveText(es.completion.success.heading);
  await expect(page.getByRole("region", { name: es.completion.receipt.heading })).toContainText(
    es.completion.receipt.totalPaid,
  );
  // The basket's GUID, gone from the address bar once it registered, does not come back with the new language.
  await expect(page).toHaveURL(/\/checkout\/complete\?invoiceId=\d+$/);
  await page.getByRole("navigation", { name: es.frame.language }).getByRole("button", { name: "Deutsch" }).click();
  await expect(heading(page)).toHaveText(catalogue("de").completion.success.heading);
  await expect(page).toHaveURL(/\/checkout\/complete\?invoiceId=\d+$/);
  await page.reload();
  await expect(heading(page)).toHaveText(catalogue("de").completion.success.heading);
  expect(registrations).toHaveLength(1);

  // A mistyped address under the guest's pages answers in their language too.
  await page.goto("/checkout/nope");
  await expect(heading(page)).toHaveText(catalogue("de").frame.notFound.title);
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
});

test("the success state in each language, at every width, with no serious accessibility violation", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  for (const locale of LOCALES) {
    const context = await browser.newContext({ locale });
    const page = await context.newPage();
    await page.goto(demoCheckout().completionUrl);
    await expect(heading(page)).toHaveText(catalogue(locale).completion.success.heading);
    await expect(page.getByRole("region", { name: catalogue(locale).completion.receipt.heading })).toBeVisible();
    await expectNoSeriousA11yViolations(page, locale);
    await lookAt(page, `complete-success-${locale}`);
    await context.close();
  }
});

test("a page sends the browser its own language's messages, for its own components, and no script carries a catalogue", async ({
  request,
}) => {
  const checkout = demoCheckout();
  const de = catalogue("de");
  const html = await (await request.get(checkout.completionUrl, { headers: { "accept-language": "de" } })).text();
  expect(html).toContain(de.completion.network_error.lead);
  // Not the other languages, and not what the page's client code never shows (the e-mails, the invoice, the checkout).
  for (const other of ["en", "fr", "es"] as const)
    expect(html).not.toContain(catalogue(other).completion.network_error.lead);
  for (const unused of [de.email.newCustomer.thanks, de.invoice.paymentReference, de.checkout.testCard])
    expect(html).not.toContain(unused);

  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
  expect(scripts.length).toBeGreaterThan(0);
  for (const script of scripts) {
    const code = await (await request.get(script)).text();
    for (const locale of LOCALES) expect(code, script).not.toContain(catalogue(locale).completion.network_error.lead);
  }
});
