import "server-only";

import { displayLocale, isLocale, languageOf, type Locale } from "@/lib/i18n/locales";
import { runReadOnly, type SqlScript } from "@/lib/server/db";
import { findInvoiceLines, findIssuedInvoice } from "@/lib/server/db/invoice-documents";

/** The invoice's business and lines, as every view of an invoice shows them (Prisma selects, for the portal). */
export const invoiceBusinessSelect = {
  select: { name: true, address: true, taxId: true, locale: true, timeZone: true },
} as const;
export const invoiceLinesSelect = {
  select: {
    position: true,
    description: true,
    quantity: true,
    unitPriceMinor: true,
    taxRateBp: true,
    amountMinor: true,
    taxMinor: true,
  },
  orderBy: { position: "asc" },
} as const;

export interface InvoiceLineDocument {
  position: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  amountMinor: number;
  taxMinor: number;
}

/** Everything an invoice document (PDF or summary) shows. Only an issued invoice (paid, numbered) has one. */
export interface InvoiceDocument {
  id: number;
  number: string;
  currency: string;
  issuedAt: Date;
  paidAt: Date | null;
  paymentReference: string | null;
  customerId: number | null;
  billedToName: string;
  billedToEmail: string;
  billedToCompany: string | null;
  billedToAddress: string | null;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  business: {
    name: string;
    address: string;
    taxId: string;
    locale: string;
    timeZone: string;
    brandColor: string | null;
    logoPng: Buffer | null;
  };
  customer: { email: string } | null;
  /** The card of the payment that paid it: its brand and last four digits (lib/payment-method.ts); null when not kept. */
  paymentCard: { brand: string; last4: string } | null;
  /**
   * The language of its labels: the customer's when they bought it (its checkout's), so an invoice reads the same
   * every time it is drawn; or the business's when it chose so (Business.invoiceLanguage). Its lines' names and the
   * country it is billed to were written in it at checkout.
   */
  language: Locale;
  /**
   * The locale its money, dates and tax rates are written in: the labels' language in the business's region (de-GB
   * for a German invoice of a London business), the business's own locale when the labels are in its language. One
   * document, one language (docs/contract.md §3.2).
   */
  formatLocale: string;
  lines: InvoiceLineDocument[];
}

/**
 * The language of an invoice's labels, and so of its lines and the country it is billed to: its checkout's (the
 * guest's at checkout), or the business's own when the business chose so (Business.invoiceLanguage) or the
 * checkout's is not known.
 */
export function invoiceLanguageOf(
  business: { invoiceLanguage: string; locale: string },
  checkoutLocale: string | null,
): Locale {
  return business.invoiceLanguage === "business" || checkoutLocale === null
    ? languageOf(business.locale)
    : languageOf(checkoutLocale);
}

/** The invoice document in two statements (invoice-documents.ts). */
function* invoiceDocumentScript(invoiceId: number): SqlScript<InvoiceDocument | null> {
  const row = yield* findIssuedInvoice(invoiceId);
  if (!row) return null;
  const lines = yield* findInvoiceLines(invoiceId);
  const {
    businessName,
    businessAddress,
    businessTaxId,
    businessLocale,
    businessTimeZone,
    businessBrandColor,
    businessLogoPng,
    businessInvoiceLanguage,
    invoiceLanguage,
    customerEmail,
    guestLocale,
    paymentCardBrand,
    paymentCardLast4,
    ...invoice
  } = row;
  // Fixed at checkout; an invoice from before it was kept takes it from its checkout and business as it always did.
  const language = isLocale(invoiceLanguage)
    ? invoiceLanguage
    : invoiceLanguageOf({ invoiceLanguage: businessInvoiceLanguage, locale: businessLocale }, guestLocale);
  return {
    ...invoice,
    business: {
      name: businessName,
      address: businessAddress,
      taxId: businessTaxId,
      locale: businessLocale,
      timeZone: businessTimeZone,
      brandColor: businessBrandColor,
      logoPng: businessLogoPng,
    },
    customer: customerEmail === null ? null : { email: customerEmail },
    paymentCard:
      paymentCardBrand === null || paymentCardLast4 === null
        ? null
        : { brand: paymentCardBrand, last4: paymentCardLast4 },
    language,
    formatLocale: displayLocale(language, businessLocale),
    lines,
  };
}

/** The invoice document, or null when there is no such invoice or it is not issued yet. Reads only: it never waits for a writer. */
export function getInvoiceDocument(invoiceId: number): Promise<InvoiceDocument | null> {
  return runReadOnly(() => invoiceDocumentScript(invoiceId));
}
