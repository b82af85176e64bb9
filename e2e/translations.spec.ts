import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import { E2E_MAIL_OUTBOX } from "../playwright.config";
import { waitForMail } from "../test/mail-outbox";
import { readPdf } from "../test/pdf-text";
import { expect, test } from "./fixtures";
import { lookAt } from "./layout";
import { catalogueOf as catalogue, expectNoSeriousA11yViolations } from "./support";

/**
 * Products in the guest's language, in the built app and real Chromium: the demo business names its products in
 * German too, so a German guest buys a "Tagespass", and the completion page, the receipt e-mail and the invoice name
 * it so; the invoice writes its date, its money and the country it is billed to the German way (docs/contract.md
 * §4.6).
 */

test.use({ locale: "de-DE" });

test("a German guest buys a Tagespass and gets a German invoice: the product, the date and the country", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const de = catalogue("de");
  const email = `tagespass-${randomBytes(4).toString("hex")}@example.com`;

  await page.goto("/checkout");
  await expect(page.locator("html")).toHaveAttribute("lang", "de");
  // The products as the business names them in German, with their German descriptions; none is left in English.
  await expect(page.getByLabel("Tagespass")).toBeVisible();
  await expect(
    page.getByText("Ein freier Schreibtisch für einen Tag, von 8 bis 20 Uhr", { exact: false }),
  ).toBeVisible();
  await expect(page.getByLabel("Besprechungsraum (1 Stunde)")).toBeVisible();
  await expect(page.getByLabel("Day pass")).toHaveCount(0);
  await lookAt(page, "checkout-products-de");

  await page.getByLabel("Tagespass").fill("2");
  await page.getByLabel(de.checkout.fullName).fill("Greta Gast");
  await page.getByLabel(de.checkout.email).fill(email);
  await page.getByLabel(de.checkout.billingLine1).fill("2 Engine Row");
  await page.getByLabel(de.checkout.billingPostalCode).fill("N1 9GU");
  await page.getByLabel(de.checkout.billingCity).fill("London");
  await page.getByLabel(de.checkout.billingCountry, { exact: true }).selectOption("GB");
  await page.getByLabel(de.checkout.cardNumber).fill("4242 4242 4242 4242");
  await page.getByLabel(de.checkout.cardExpiry).fill("12/34");
  await page.getByLabel(de.checkout.cardCvc).fill("123");
  await expectNoSeriousA11yViolations(page, "checkout");
  await page.getByRole("button", { name: "60,00 £ bezahlen" }).click();

  // The receipt on the page names what was bought as the invoice does: in German.
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(de.completion.success.heading);
  const receipt = page.getByRole("region", { name: de.completion.receipt.heading });
  await expect(receipt).toContainText("Tagespass");
  await expect(receipt).not.toContainText("Day pass");
  await expectNoSeriousA11yViolations(page, "completion");

  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: de.completion.success.download }).click();
  const pdf = readPdf(readFileSync(await (await downloading).path())).text;
  const today = new Intl.DateTimeFormat("de-GB", { dateStyle: "long", timeZone: "Europe/London" }).format(new Date());
  expect(today).toMatch(/^\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+ \d{4}$/);
  // The product's German name, with the German way of writing money, in the business's pounds.
  expect(pdf).toMatch(/Tagespass +2 +25,00\s£ +20\s% +50,00\s£/);
  expect(pdf).not.toContain("Day pass");
  // Its date and the country it is billed to, in German.
  expect(pdf).toMatch(new RegExp(`${de.invoice.issueDate} +${today.replace(".", "\\.")}`));
  // (The business's own address, its own text, may say "United Kingdom"; the guest's country is named in German.)
  // pdftotext interleaves the PAID mark beside it with the address's lines.
  expect(pdf).toMatch(/RECHNUNG AN[\s\S]*N1 9GU London[\s\S]*Vereinigtes Königreich/);
  expect(pdf).toMatch(new RegExp(`${de.invoice.totalPaid} +60,00\\s£`));

  // The receipt e-mail lists the invoice's lines as they are written.
  const mail = await waitForMail(
    E2E_MAIL_OUTBOX,
    (candidate) => candidate.to === email && candidate.subject.startsWith("Ihr Beleg"),
  );
  expect(mail.text).toMatch(/Tagespass,\s2\s×\s25,00\s£\s+50,00\s£/);
});
