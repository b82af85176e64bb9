import { NextIntlClientProvider } from "next-intl";
import type { ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";

import { CheckoutForm } from "@/components/checkout/checkout-form";
import { CompletionView } from "@/components/checkout/completion-view";
import { PREVIEW_STATES } from "@/components/checkout/preview-states";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { messagesFor, type Messages } from "@/lib/i18n/messages";

import type { CompletionState } from "./completion-state";

/**
 * Every state of the completion page, and the checkout form, rendered in every language as the browser renders
 * them (with the page's provider). A missing or broken message throws instead of showing its key.
 */
function render(locale: Locale, messages: Messages, element: ReactNode): string {
  const problems: string[] = [];
  const html = renderToStaticMarkup(
    <NextIntlClientProvider
      locale={locale}
      messages={messages}
      timeZone="UTC"
      onError={(error) => problems.push(error.message)}
    >
      {element}
    </NextIntlClientProvider>,
  );
  expect(problems).toEqual([]);
  return html;
}

const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, " ")
    .replace(/&[a-z#0-9]+;/g, " ")
    .replace(/\s+/g, " ");

const STATES: CompletionState[] = [
  ...PREVIEW_STATES.map((preview) => preview.state),
  { kind: "pending", retryInSeconds: null },
  { kind: "success", invoiceId: 1, pdfUrl: "/api/x.pdf", summary: null },
];

describe.each(LOCALES)("in %s", (locale) => {
  it.each(STATES.map((state) => [state.kind, state] as const))(
    "the %s state renders, heading and announcement in this language",
    async (_kind, state) => {
      const messages = await messagesFor(locale);
      const html = render(locale, messages, <CompletionView state={state} onRetry={() => undefined} />);
      const copy = messages.completion[state.kind];
      expect(html).toContain(`>${copy.heading}</h1>`);
      expect(text(html)).toContain(copy.announcement);
      // No message key ever reaches the page.
      expect(html).not.toMatch(/completion\.[a-z_]+\.[a-z]+/);
    },
  );

  it("the success state's receipt writes money and dates the guest's way", async () => {
    const messages = await messagesFor(locale);
    const html = text(render(locale, messages, <CompletionView state={STATES[0]!} onRetry={() => undefined} />));
    // The sample is a GBP business in en-GB: in English the business's own way; in the others, each language's.
    const expected = {
      en: ["£108.00", "21 November 2026"],
      de: ["108,00 £", "21. November 2026"],
      fr: ["108,00 £", "21 novembre 2026"],
      es: ["108,00 £", "21 de noviembre de 2026"],
    }[locale];
    expect(html).toContain(`${messages.completion.receipt.totalPaid} ${expected[0]}`);
    expect(html).toContain(`${messages.completion.receipt.date} ${expected[1]}`);
  });

  it("the receipt is complete: thanks by name, the card, each line's quantity and unit price, subtotal and VAT by rate", async () => {
    const messages = await messagesFor(locale);
    const html = text(render(locale, messages, <CompletionView state={STATES[0]!} onRetry={() => undefined} />));
    const receipt = messages.completion.receipt;
    const written = {
      en: { unit: "£25.00", subtotal: "£90.00", rate: "20%", tax: "£18.00" },
      de: { unit: "25,00 £", subtotal: "90,00 £", rate: "20 %", tax: "18,00 £" },
      fr: { unit: "25,00 £", subtotal: "90,00 £", rate: "20 %", tax: "18,00 £" },
      es: { unit: "25,00 £", subtotal: "90,00 £", rate: "20 %", tax: "18,00 £" },
    }[locale];
    const plain = html.replace(/[\u00a0\u202f]/g, " ");
    expect(plain).toContain(messages.completion.success.leadNamed.replace("{name}", "Jo Guest"));
    expect(plain).toContain(`${receipt.paidWith} Visa •••• 4242`);
    expect(plain).toContain(`Day pass 2 × ${written.unit}`);
    expect(plain).toContain(`${receipt.subtotal} ${written.subtotal}`);
    expect(plain).toContain(`${receipt.taxAt.replace("{rate}", written.rate)} ${written.tax}`);
    // The address the receipt went to, in full: it is the guest's own.
    expect(plain).toContain("jo@example.com");
  });

  it("the checkout form renders with every label in this language", async () => {
    const messages = await messagesFor(locale);
    const html = render(
      locale,
      messages,
      <CheckoutForm
        currency="EUR"
        locale={locale === "en" ? "en-GB" : locale}
        products={[{ id: 1, name: "Day pass", description: "One day", unitPriceMinor: 123456, taxRateBp: 2000 }]}
        countries={[{ code: "DE", name: "Germany" }]}
      />,
    );
    for (const label of [
      messages.checkout.fullName,
      messages.checkout.email,
      messages.checkout.cardNumber,
      messages.checkout.details,
    ])
      expect(html).toContain(label);
    expect(text(html)).toContain({ en: "€1,234.56", de: "1.234,56 €", fr: "1 234,56 €", es: "1234,56 €" }[locale]);
  });
});
