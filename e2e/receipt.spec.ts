import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

import type { Browser, Page } from "@playwright/test";

import { PREVIEW_STATES } from "../components/checkout/preview-states";
import { E2E_BASE_URL, E2E_MAIL_OUTBOX } from "../playwright.config";
import { readPdf } from "../test/pdf-text";
import { waitForMail, type OutboxMail } from "../test/mail-outbox";
import { expect, test } from "./fixtures";
import { lookAt, lookAtCompletionState } from "./layout";
import { catalogueOf, demoCheckout, expectNoSeriousA11yViolations, signInAsStaff } from "./support";

/**
 * The receipt as a guest gets it three times — on the completion page, in the receipt e-mail and in the invoice
 * PDF — read off each and compared; and every address of the completion page, each with its own words.
 */

const en = catalogueOf("en").completion;
const heading = (page: Page) => page.getByRole("heading", { level: 1 });

function uniqueEmail(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString("hex")}@example.com`;
}

/** Spaces of every kind as one: pdftotext, mail clients and the DOM each space differently. */
const squash = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, " ").trim();

/** The figures of a receipt, as words: what the three must agree on. */
interface Figures {
  invoiceNumber: string;
  date: string;
  paidWith: string;
  /** "Day pass | 2 × £25.00 | £50.00" */
  lines: string[];
  subtotal: string;
  /** "VAT 20% | £28.00" */
  taxes: string[];
  total: string;
}

async function figuresOnPage(page: Page): Promise<Figures & { emailedTo: string }> {
  const receipt = page.getByRole("region", { name: "Receipt" });
  const fact = async (label: string) =>
    squash(
      await receipt
        .locator("dl > div")
        .filter({ has: page.locator("dt", { hasText: label }) })
        .locator("dd")
        .innerText(),
    );
  const rows = async (selector: string) =>
    Promise.all(
      (await receipt.locator(selector).all()).map(async (row) =>
        (await row.locator("th, td, td > span").allInnerTexts()).map(squash),
      ),
    );
  const lines = (await rows("tbody tr")).map(([, description, quantity, amount]) =>
    [description, quantity, amount].join(" | "),
  );
  const totals = await rows("tfoot tr");
  const [subtotal, ...rest] = totals;
  const total = rest.pop()!;
  return {
    invoiceNumber: await fact("Invoice"),
    date: await fact("Date"),
    paidWith: await fact("Paid with"),
    lines,
    subtotal: subtotal![1]!,
    taxes: rest.map(([label, amount]) => `${label} | ${amount}`),
    total: total[1]!,
    emailedTo: squash(await page.getByRole("region", { name: "What’s next" }).locator("strong").innerText()),
  };
}

function figuresInMail(mail: OutboxMail): Figures {
  const text = mail.text.replace(/[\u00a0\u202f]/g, " ");
  const fact = (label: string) => new RegExp(`^${label}: (.+)$`, "m").exec(text)?.[1]?.trim() ?? "";
  const amountRow = (label: string) => new RegExp(`^${label} {2}(\\S.*)$`, "m").exec(text)?.[1]?.trim() ?? "";
  const lines = [...text.matchAll(/^(.+), (\d+ × \S+) {2}(\S+)$/gm)].map(
    (match) => `${match[1]} | ${match[2]} | ${match[3]}`,
  );
  const taxes = [...text.matchAll(/^(VAT \d+(?:\.\d+)?%) {2}(\S+)$/gm)].map((match) => `${match[1]} | ${match[2]}`);
  return {
    invoiceNumber: fact("Invoice"),
    date: fact("Date"),
    paidWith: fact("Paid with"),
    lines,
    subtotal: amountRow("Subtotal"),
    taxes,
    total: amountRow("Total paid"),
  };
}

/** What the PDF shows of the same figures, checked against the page's (the PDF's columns are its own). */
function expectPdfShows(pdf: Uint8Array, figures: Figures & { emailedTo: string }): void {
  const words = squash(readPdf(pdf).text);
  expect(words).toContain(`Invoice number ${figures.invoiceNumber}`);
  expect(words).toContain(`Payment date ${figures.date}`);
  expect(words).toContain(`Payment method ${figures.paidWith}`);
  expect(words).toContain("Description Qty Unit price VAT Amount");
  for (const line of figures.lines) {
    const [description, quantity, amount] = line.split(" | ");
    const [count, unitPrice] = quantity!.split(" × ");
    expect(words).toContain(`${description} ${count} ${unitPrice} 20% ${amount}`);
  }
  expect(words).toContain(`Subtotal ${figures.subtotal}`);
  for (const tax of figures.taxes) expect(words).toContain(tax.replace(" | ", " "));
  expect(words).toContain(`Total paid ${figures.total}`);
  expect(words).toContain(figures.emailedTo);
}

test("the receipt on the page, in the e-mail and in the PDF agree, figure by figure", async ({ page }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("receipt");
  await page.goto("/checkout");
  await page.getByLabel("Day pass").fill("2");
  await page.getByLabel("Meeting room (1 hour)").fill("1");
  await page.getByLabel("Full name").fill("Ada Receipt");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Card number").fill("4242 4242 4242 4242");
  await page.getByLabel(/^Expiry/).fill("12/34");
  await page.getByLabel("CVC").fill("123");
  await page.getByRole("button", { name: /^Pay / }).click();
  await expect(heading(page)).toHaveText(en.success.heading);

  // The page: thanks by name, and the address the receipt went to, in full.
  await expect(page.getByText("Ada Receipt, your payment was received")).toBeVisible();
  const onPage = await figuresOnPage(page);
  expect(onPage).toEqual({
    invoiceNumber: expect.stringMatching(/^INV-\d{4}-\d{6}$/),
    date: new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Europe/London" }).format(new Date()),
    paidWith: "Visa •••• 4242",
    lines: ["Day pass | 2 × £25.00 | £50.00", "Meeting room (1 hour) | 1 × £40.00 | £40.00"],
    subtotal: "£90.00",
    taxes: ["VAT 20% | £18.00"],
    total: "£108.00",
    emailedTo: email,
  });
  await expectNoSeriousA11yViolations(page, "the receipt");

  // The e-mail: the same figures.
  const mail = await waitForMail(
    E2E_MAIL_OUTBOX,
    (candidate) => candidate.to === email && /^Your receipt/.test(candidate.subject),
  );
  const { emailedTo, ...figures } = onPage;
  expect(figuresInMail(mail)).toEqual(figures);
  expect(mail.text).toContain("Hello Ada Receipt,");

  // The PDF, downloaded from the page and attached to the e-mail: the same figures again.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: en.success.download }).click();
  const downloaded = new Uint8Array(readFileSync(await (await downloading).path()));
  expectPdfShows(downloaded, onPage);
  expectPdfShows(new Uint8Array(mail.attachments[0]!.content), { ...figures, emailedTo });
});

/** The e-mail's HTML as a mail client on a phone shows it. */
async function lookAtMail(browser: Browser, mail: OutboxMail, name: string, invoiceNumber: string): Promise<void> {
  const reader = await browser.newPage();
  await reader.setContent(mail.html, { waitUntil: "load" });
  // At 375 px in particular: the invoice number is on one line wherever it stands.
  await reader.setViewportSize({ width: 375, height: 812 });
  const lines = await reader.evaluate((number) => {
    const found: number[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let at = node.textContent!.indexOf(number); at >= 0; at = node.textContent!.indexOf(number, at + 1)) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + number.length);
        found.push(new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => rect.top)).size);
      }
    }
    return found;
  }, invoiceNumber);
  expect(lines.length, `${name} names ${invoiceNumber}`).toBeGreaterThan(0);
  expect(lines, `${name}: the lines ${invoiceNumber} takes, at each place`).toEqual(lines.map(() => 1));
  await lookAt(reader, name);
  await reader.close();
}

test("no e-mail breaks its invoice number across lines at 375 px", async ({ browser, request }) => {
  const email = uniqueEmail("narrow");
  const checkout = demoCheckout("--email", email, "--name", "Alexandra Montgomery-Fitzwilliam");
  const registered = await request.post(
    `/api/public/billing/invoices/${checkout.invoiceId}/registerByToken?token=${checkout.basketSession}`,
    { data: {} },
  );
  expect(registered.status()).toBe(200);
  const receipt = await waitForMail(E2E_MAIL_OUTBOX, (mail) => mail.to === email && /^Your receipt/.test(mail.subject));
  const account = await waitForMail(E2E_MAIL_OUTBOX, (mail) => mail.to === email && / is ready$/.test(mail.subject));
  const invoiceNumber = /Invoice: (\S+)/.exec(receipt.text)![1]!;
  await lookAtMail(browser, receipt, "email-receipt", invoiceNumber);
  await lookAtMail(browser, account, "email-account", invoiceNumber);
});

test("?invoiceId=N shows the receipt in the browser that holds its token, and says where it went in another", async ({
  page,
  browser,
}) => {
  const checkout = demoCheckout("--name", "Robin Bookmark");
  const registrations: string[] = [];
  const count = (where: Page) =>
    where.on("request", (sent) => {
      if (sent.url().includes("/registerByToken")) registrations.push(sent.url());
    });

  // Another browser first, before anyone registered: it says the receipt was e-mailed, offers the sign-in, and
  // opening it uses nothing up.
  const elsewhere = await browser.newContext({ baseURL: E2E_BASE_URL });
  const other = await elsewhere.newPage();
  count(other);
  await other.goto(`/checkout/complete?invoiceId=${checkout.invoiceId}`);
  await expect(heading(other)).toHaveText(en.receipt_emailed.heading);
  await expect(other.getByText(en.receipt_emailed.lead)).toBeVisible();
  await expect(other.getByRole("link", { name: en.signIn })).toHaveAttribute("href", "/portal/sign-in");
  await expect(other.getByText(en.missing_parameters.body)).toHaveCount(0);
  await expectNoSeriousA11yViolations(other, "another browser");
  await lookAtCompletionState(other, "complete-receipt-emailed");
  expect(registrations).toEqual([]);

  // The guest's own browser: the link registers, and the address bar keeps only the invoice.
  count(page);
  await page.goto(checkout.completionUrl);
  await expect(heading(page)).toHaveText(en.success.heading);
  await expect(page).toHaveURL(new RegExp(`/checkout/complete\\?invoiceId=${checkout.invoiceId}$`));
  const number = await page.getByRole("region", { name: "Receipt" }).locator("dd").first().innerText();
  expect(registrations).toHaveLength(1);

  // That address, in a new tab of the same browser (a bookmark): the receipt, without registering again.
  const tab = await page.context().newPage();
  count(tab);
  await tab.goto(`/checkout/complete?invoiceId=${checkout.invoiceId}`);
  await expect(heading(tab)).toHaveText(en.success.heading);
  await expect(tab.getByRole("region", { name: "Receipt" })).toContainText(number);
  await expect(tab.getByRole("region", { name: "Receipt" })).toContainText("Visa •••• 4242");
  expect(registrations).toHaveLength(1);

  // The other browser still has no token: the same words as before, never the receipt.
  await other.reload();
  await expect(heading(other)).toHaveText(en.receipt_emailed.heading);
  await expect(other.getByText(number)).toHaveCount(0);
  await elsewhere.close();
});

test("a used link names its purchase in the browser that showed it, and says it was used everywhere", async ({
  page,
  browser,
}) => {
  const checkout = demoCheckout();
  await page.goto(checkout.completionUrl);
  await expect(heading(page)).toHaveText(en.success.heading);
  const receipt = page.getByRole("region", { name: "Receipt" });
  const number = await receipt.locator("dd").first().innerText();
  const date = await receipt.locator("dd").nth(1).innerText();

  // Two hours later, in a new tab (in this one, the link's Idempotency-Key would replay its registration): the invoice
  // token has expired, the link was used — and this browser knows for what.
  const later = await page.context().newPage();
  await later.clock.setFixedTime(Date.now() + 2 * 3600_000);
  await later.goto(checkout.completionUrl);
  await expect(heading(later)).toHaveText(en.used.heading);
  const card = later.locator("section[data-state=used]");
  await expect(card).toContainText(number);
  await expect(card).toContainText(date);
  await expect(later.getByRole("link", { name: en.signIn })).toHaveAttribute("href", "/portal/sign-in");
  await expectNoSeriousA11yViolations(later, "a used link, named");
  await lookAtCompletionState(later, "complete-used-named");

  // The address the page left, in the same browser then: the purchase again, with where its receipt went.
  await later.goto(`/checkout/complete?invoiceId=${checkout.invoiceId}`);
  await expect(heading(later)).toHaveText(en.receipt_emailed.heading);
  await expect(later.locator("section[data-state=receipt_emailed]")).toContainText(number);
  await later.close();

  // Another browser knows nothing of it: the link was used, in words, with the sign-in.
  const elsewhere = await browser.newContext({ baseURL: E2E_BASE_URL });
  const other = await elsewhere.newPage();
  await other.goto(checkout.completionUrl);
  await expect(heading(other)).toHaveText(en.used.heading);
  await expect(other.getByText(en.used.lead)).toBeVisible();
  await expect(other.locator("section[data-state=used]")).not.toContainText(number);
  await expect(other.getByRole("link", { name: en.signIn })).toBeVisible();
  await elsewhere.close();
});

test("pending shows a progress indicator that turns, and only fades for those who ask for less motion", async ({
  page,
}) => {
  const pending = demoCheckout("--unpaid");
  await page.goto(pending.completionUrl);
  await expect(heading(page)).toHaveText(en.pending.heading);
  const progress = page.getByRole("progressbar", { name: en.pending.lead });
  await expect(progress).toBeVisible();
  expect(await progress.evaluate((element) => getComputedStyle(element).animationName)).toMatch(/spin/);
  await lookAtCompletionState(page, "complete-pending-live");

  await page.emulateMedia({ reducedMotion: "reduce" });
  await expect(progress).toBeVisible();
  expect(await progress.evaluate((element) => getComputedStyle(element).animationName)).not.toMatch(/spin/);
  const turning = await progress.evaluate((element) => {
    const before = getComputedStyle(element).transform;
    return new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(getComputedStyle(element).transform !== before), 300),
    );
  });
  expect(turning).toBe(false);
});

test("every state of the completion page fills its card, at 320, 375 and 1280 px", async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsStaff(page);
  for (const preview of PREVIEW_STATES) {
    await page.goto(`/staff/preview?state=${preview.kind}`);
    await expect(page.locator(`section[data-state=${preview.kind}]`)).toBeVisible();
    await lookAtCompletionState(page, `complete-state-${preview.kind}`);
  }
  // As a guest sees them, where the preview has no page of its own: the payment's first moments.
  await page.route("**/registerByToken*", () => undefined); // never answered: the page stays loading
  await page.goto(demoCheckout().completionUrl);
  await expect(page.locator("section[data-state=loading]")).toBeVisible();
  await lookAtCompletionState(page, "complete-loading-live");
});
