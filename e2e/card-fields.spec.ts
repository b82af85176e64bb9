import { randomBytes } from "node:crypto";

import type { Locator, Page } from "@playwright/test";

import { LOCALES, type Locale } from "../lib/i18n/locales";
import { E2E_BASE_URL } from "../playwright.config";
import { expect, test } from "./fixtures";
import { lookAt } from "./layout";
import { catalogueOf, expectNoSeriousA11yViolations, signInAsStaff } from "./support";

/**
 * The card fields as people use them, in the built app and real Chromium: the number typed digit by digit or
 * pasted, the expiry written the ways people write it, backspace over a separator, the brand shown and
 * announced, a field's message only once it is left; then a payment with such input, and the tab titles.
 */

const BUSINESS = "Hive & Desk Coworking";
/** A year three ahead, two digits: the cards these tests pay with never expire while they run. */
const YY = String((new Date().getFullYear() + 3) % 100).padStart(2, "0");

function uniqueEmail(): string {
  return `cards-${randomBytes(4).toString("hex")}@example.com`;
}

function cardFields(page: Page, locale: Locale) {
  const words = catalogueOf(locale).checkout;
  return {
    number: page.getByLabel(words.cardNumber),
    expiry: page.getByLabel(words.cardExpiry),
    cvc: page.getByLabel(words.cardCvc),
    /** Beside the number: its brand's mark, and the words that say it to screen readers (a live region). */
    brand: page.locator("#field-card-number-brand"),
    brandSaid: page.locator("#field-card-number-brand .visually-hidden"),
    errorOf: (field: "number" | "expiry" | "cvc") => page.locator(`#field-card-${field}-error`),
    words,
  };
}

/** Empties a field the way a person does: select everything, then delete it. */
async function clear(field: Locator): Promise<void> {
  await field.focus();
  await field.press("ControlOrMeta+A");
  await field.press("Backspace");
  await expect(field).toHaveValue("");
}

const caretOf = (field: Locator) => field.evaluate((input: HTMLInputElement) => input.selectionStart);
const putCaret = (field: Locator, at: number) =>
  field.evaluate((input: HTMLInputElement, position) => input.setSelectionRange(position, position), at);

/** Pastes text from the clipboard where the caret is, as Ctrl+V does. */
async function paste(page: Page, field: Locator, text: string): Promise<void> {
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await field.press("ControlOrMeta+V");
}

test.describe("in English", () => {
  test.use({ locale: "en-GB", permissions: ["clipboard-read", "clipboard-write"] });

  test("the card number is grouped as it is typed or pasted, its brand shown, the caret kept", async ({ page }) => {
    await page.goto("/checkout");
    const card = cardFields(page, "en");
    await expect(card.number).toHaveAttribute("autocomplete", "cc-number");
    await expect(card.number).toHaveAttribute("inputmode", "numeric");
    await expect(card.brand).toHaveAttribute("aria-live", "polite");
    await expect(card.brand).toHaveText("");

    await card.number.pressSequentially("42424");
    await expect(card.number).toHaveValue("4242 4");
    await expect(card.brandSaid).toHaveText("Card type: Visa");
    await expect(card.brand.locator("svg")).toBeVisible();
    await expect(card.number).toHaveAccessibleDescription(/Card type: Visa$/);
    await card.number.pressSequentially("24242424242");
    await expect(card.number).toHaveValue("4242 4242 4242 4242");
    expect(await caretOf(card.number)).toBe(19);

    // Edited in the middle: backspace after the sixth digit, then the digit typed back.
    await putCaret(card.number, 7);
    await card.number.press("Backspace");
    await expect(card.number).toHaveValue("4242 4424 2424 242");
    expect(await caretOf(card.number)).toBe(6);
    await card.number.press("2");
    await expect(card.number).toHaveValue("4242 4242 4242 4242");
    expect(await caretOf(card.number)).toBe(7);
    // Backspace just after a group's space removes the digit before it, not only the space.
    await putCaret(card.number, 5);
    await card.number.press("Backspace");
    await expect(card.number).toHaveValue("4244 2424 2424 242");
    expect(await caretOf(card.number)).toBe(3);

    // American Express, 4-6-5, taking no sixteenth digit.
    await clear(card.number);
    await expect(card.brand).toHaveText("");
    await card.number.pressSequentially("3782822463100059");
    await expect(card.number).toHaveValue("3782 822463 10005");
    await expect(card.brandSaid).toHaveText("Card type: American Express");
    await clear(card.number);
    await card.number.pressSequentially("5555555555554444");
    await expect(card.number).toHaveValue("5555 5555 5555 4444");
    await expect(card.brandSaid).toHaveText("Card type: Mastercard");

    // Pasted, with spaces or without, whole or into the middle.
    await clear(card.number);
    await paste(page, card.number, "4242 4242 4242 4242");
    await expect(card.number).toHaveValue("4242 4242 4242 4242");
    await clear(card.number);
    await paste(page, card.number, "4242424242424242");
    await expect(card.number).toHaveValue("4242 4242 4242 4242");
    await clear(card.number);
    await card.number.pressSequentially("42424242");
    await putCaret(card.number, 4);
    await paste(page, card.number, "4242 4242");
    await expect(card.number).toHaveValue("4242 4242 4242 4242");
    expect(await caretOf(card.number)).toBe(14);

    await expect(card.errorOf("number")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "checkout with a card's brand");
    await lookAt(page, "checkout-card-visa");
  });

  test("the expiry takes 1229, 12/29, 12 / 29, 1/29 and a four-digit year, shows MM / YY, and backspace steps over the separator", async ({
    page,
  }) => {
    await page.goto("/checkout");
    const card = cardFields(page, "en");
    await expect(card.expiry).toHaveAttribute("autocomplete", "cc-exp");
    await expect(card.expiry).toHaveAttribute("inputmode", "numeric");
    await expect(card.expiry).toHaveAttribute("placeholder", "MM / YY");
    await expect(card.cvc).toHaveAttribute("autocomplete", "cc-csc");

    for (const typed of [`12${YY}`, `12/${YY}`, `12 / ${YY}`, `1220${YY}`, `12/20${YY}`]) {
      await clear(card.expiry);
      await card.expiry.pressSequentially(typed);
      await expect(card.expiry, typed).toHaveValue(`12 / ${YY}`);
    }
    await clear(card.expiry);
    await card.expiry.pressSequentially(`1/${YY}`);
    await expect(card.expiry).toHaveValue(`01 / ${YY}`);
    await clear(card.expiry);
    await paste(page, card.expiry, `12/20${YY}`);
    await expect(card.expiry).toHaveValue(`12 / ${YY}`);

    // Backspace: the year's digits, then the separator with the month's last digit.
    await card.expiry.press("Backspace");
    await expect(card.expiry).toHaveValue(`12 / ${YY[0]}`);
    await card.expiry.press("Backspace");
    await expect(card.expiry).toHaveValue("12 / ");
    await card.expiry.press("Backspace");
    await expect(card.expiry).toHaveValue("1");
    await card.expiry.press("Backspace");
    await expect(card.expiry).toHaveValue("");

    await card.cvc.pressSequentially("12a34");
    await expect(card.cvc).toHaveValue("1234");
  });

  test("a card field says what is wrong only once it is left, and Pay says it too", async ({ page }) => {
    await page.goto("/checkout");
    const card = cardFields(page, "en");

    // While typing an incomplete number: nothing. Left incomplete: the message, and the field marked.
    await card.number.pressSequentially("4242 4242");
    await expect(card.errorOf("number")).toHaveCount(0);
    await expect(card.number).not.toHaveAttribute("aria-invalid", "true");
    await card.number.press("Tab");
    await expect(card.errorOf("number")).toHaveText(card.words.errors.cardNumberIncomplete);
    await expect(card.number).toHaveAttribute("aria-invalid", "true");
    await expect(card.number).toHaveAttribute("aria-describedby", /field-card-number-error/);
    // Typing on adds no new message, and the message goes as soon as the number is right.
    await card.number.click();
    await card.number.press("End");
    await card.number.pressSequentially("4242424");
    await expect(card.errorOf("number")).toHaveText(card.words.errors.cardNumberIncomplete);
    await card.number.press("2");
    await expect(card.errorOf("number")).toHaveCount(0);
    await expect(card.number).not.toHaveAttribute("aria-invalid", "true");
    // A number of the right length that is no card's, once left.
    await card.number.press("Backspace");
    await card.number.press("1");
    await expect(card.errorOf("number")).toHaveCount(0);
    await card.number.blur();
    await expect(card.errorOf("number")).toHaveText(card.words.errors.cardNumberInvalid);

    await card.expiry.pressSequentially("12");
    await expect(card.expiry).toHaveValue("12 / ");
    await expect(card.errorOf("expiry")).toHaveCount(0);
    await card.expiry.blur();
    await expect(card.errorOf("expiry")).toHaveText(card.words.errors.cardExpiry);
    await card.expiry.press("End");
    await card.expiry.pressSequentially("20");
    await card.expiry.blur();
    await expect(card.errorOf("expiry")).toHaveText(card.words.errors.cardExpired);
    // A mistyped month stays as typed and is refused, never read as another date (13 / 29 is not 01 / 32).
    await clear(card.expiry);
    await card.expiry.pressSequentially("1329");
    await expect(card.expiry).toHaveValue("13 / 29");
    await card.expiry.blur();
    await expect(card.errorOf("expiry")).toHaveText(card.words.errors.cardExpiry);

    // A field passed through without typing says nothing until Pay, which says it for every field.
    await card.cvc.focus();
    await card.cvc.blur();
    await expect(card.errorOf("cvc")).toHaveCount(0);
    await expectNoSeriousA11yViolations(page, "checkout with the card's messages");
    await lookAt(page, "checkout-card-errors");
    await page.getByRole("button", { name: /^Pay / }).click();
    await expect(card.errorOf("cvc")).toHaveText(card.words.errors.cardCvc);
    await expect(card.errorOf("number")).toHaveText(card.words.errors.cardNumberInvalid);
  });

  test("a guest pays with the card typed as people type it, and every tab names the business", async ({ page }) => {
    await page.goto("/checkout");
    await expect(page).toHaveTitle(`Book your space · ${BUSINESS}`);
    const card = cardFields(page, "en");
    await page.getByLabel("Day pass").fill("1");
    await page.getByLabel("Full name").fill("Casey Cardholder");
    await page.getByLabel("E-mail address").fill(uniqueEmail());
    await card.number.pressSequentially("4242424242424242");
    await card.expiry.pressSequentially(`1/${YY}`);
    await card.cvc.pressSequentially("123");
    await expect(card.expiry).toHaveValue(`01 / ${YY}`);
    const answered = page.waitForResponse((response) => response.url().endsWith("/api/checkout"));
    await page.getByRole("button", { name: /^Pay / }).click();
    // The server took the fields as the form sent them, spaces and separators included.
    const request = (await answered).request().postDataJSON() as { card: Record<string, string> };
    expect(request.card).toEqual({ number: "4242 4242 4242 4242", expiry: `01 / ${YY}`, cvc: "123" });
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Thank you — you’re all set");
    await expect(page).toHaveTitle(`Your purchase · ${BUSINESS}`);

    await page.goto("/portal/sign-in");
    await expect(page).toHaveTitle(`Sign in to your account · ${BUSINESS}`);
    await page.goto("/");
    await expect(page).toHaveTitle(`Billing portal · ${BUSINESS}`);
    await page.goto("/staff/sign-in");
    await expect(page).toHaveTitle(`Staff sign-in · ${BUSINESS}`);
    await signInAsStaff(page);
    await expect(page).toHaveTitle(`Guest checkouts · Staff · ${BUSINESS}`);
    await page.goto("/staff/outbox");
    await expect(page).toHaveTitle(`Mail outbox · Staff · ${BUSINESS}`);
  });
});

test.describe("in German", () => {
  test.use({ locale: "de-DE" });

  test("the card fields help the same way, in German", async ({ page }) => {
    await page.goto("/checkout");
    const de = catalogueOf("de");
    await expect(page).toHaveTitle(`${de.checkout.title} · ${BUSINESS}`);
    const card = cardFields(page, "de");
    await expect(card.expiry).toHaveAttribute("placeholder", "MM / JJ");

    await card.number.pressSequentially("424242424242");
    await expect(card.number).toHaveValue("4242 4242 4242");
    await expect(card.brandSaid).toHaveText("Kartentyp: Visa");
    await expect(card.errorOf("number")).toHaveCount(0);
    await card.number.blur();
    await expect(card.errorOf("number")).toHaveText(de.checkout.errors.cardNumberIncomplete);

    await card.expiry.pressSequentially(`12 / ${YY}`);
    await expect(card.expiry).toHaveValue(`12 / ${YY}`);
    await card.expiry.press("Backspace");
    await card.expiry.press("Backspace");
    await card.expiry.press("Backspace");
    await expect(card.expiry).toHaveValue("1");
    await card.expiry.blur();
    await expect(card.errorOf("expiry")).toHaveText(de.checkout.errors.cardExpiry);
    await expectNoSeriousA11yViolations(page, "German checkout with the card's messages");
    await lookAt(page, "checkout-card-errors-de");

    // Put right, the messages go, and the order pays.
    await card.number.press("End");
    await card.number.pressSequentially("4242");
    await expect(card.errorOf("number")).toHaveCount(0);
    await card.expiry.press("End");
    await card.expiry.pressSequentially(`2${YY}`);
    await expect(card.expiry).toHaveValue(`12 / ${YY}`);
    await expect(card.errorOf("expiry")).toHaveCount(0);
    await card.cvc.pressSequentially("123");
    await page.getByLabel("Tagespass").fill("1");
    await page.getByLabel(de.checkout.fullName).fill("Greta Gast");
    await page.getByLabel(de.checkout.email).fill(uniqueEmail());
    await page.getByRole("button", { name: /bezahlen$/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(de.completion.success.heading);
    await expect(page).toHaveTitle(`${de.completion.title} · ${BUSINESS}`);
  });
});

test("every language says the card's brand and its fields' messages in its own words, without an axe finding", async ({
  page,
}) => {
  for (const locale of LOCALES) {
    await page.context().addCookies([{ name: "locale", value: locale, url: E2E_BASE_URL }]);
    await page.goto("/checkout");
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    const card = cardFields(page, locale);
    await expect(page).toHaveTitle(`${card.words.title} · ${BUSINESS}`);
    await card.number.pressSequentially("37828224631");
    await expect(card.number, locale).toHaveValue("3782 822463 1");
    await expect(card.brandSaid).toHaveText(card.words.cardBrand.replace("{brand}", "American Express"));
    await card.number.blur();
    await expect(card.errorOf("number")).toHaveText(card.words.errors.cardNumberIncomplete);
    await card.expiry.pressSequentially("1");
    await card.expiry.blur();
    await expect(card.errorOf("expiry")).toHaveText(card.words.errors.cardExpiry);
    await card.cvc.pressSequentially("12");
    await card.cvc.blur();
    await expect(card.errorOf("cvc")).toHaveText(card.words.errors.cardCvc);
    await expectNoSeriousA11yViolations(page, `checkout's card fields (${locale})`);
    await lookAt(page, `checkout-card-${locale}`);
  }
});
