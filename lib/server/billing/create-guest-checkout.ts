import "server-only";

import { randomUUID } from "node:crypto";

import { DEFAULT_LOCALE, displayLocale, type Locale } from "@/lib/i18n/locales";
import { priceLine, sumLines } from "@/lib/money";
import type { PaymentCard } from "@/lib/payment-method";
import { auditEventInsert } from "@/lib/server/db/audit-events";
import { basketExpiresAt, reconcileDeadline } from "@/lib/server/billing/deadlines";
import { execute, runTransaction } from "@/lib/server/db";
import {
  addBasketLines,
  addBasketSession,
  addBasketToken,
  findBusinessCheckoutTerms,
  findSellableProducts,
  type SellableProduct,
} from "@/lib/server/db/checkouts";
import { addInvoice, addInvoiceLines } from "@/lib/server/db/invoices";
import { addPayment } from "@/lib/server/db/payments";
import { AppError } from "@/lib/server/errors";
import { sha256Hex } from "@/lib/server/hash";
import { invoiceLanguageOf } from "@/lib/server/invoices/invoice-document";
import { GuestCheckoutInputSchema, type GuestCheckoutInput } from "@/lib/validation/checkout";

export interface CreatedGuestCheckout {
  basketSessionId: number;
  basketToken: string;
  invoiceId: number;
  totalMinor: number;
  currency: string;
}

type GuestDetails = GuestCheckoutInput["guest"];
type OrderLine = GuestCheckoutInput["lines"][number];

/**
 * The order's lines at the business's prices, each as its invoice line, named as the products were found (in the
 * invoice's language); a product not for sale refuses the order.
 */
function priceOrder(lines: readonly OrderLine[], products: readonly SellableProduct[]) {
  return lines.map((line, index) => {
    const product = products.find((candidate) => candidate.id === line.productId);
    if (!product) throw new AppError("bad_request", { detail: "A product in the basket is not available." });
    const priced = {
      position: index + 1,
      description: product.name,
      quantity: line.quantity,
      unitPriceMinor: product.unitPriceMinor,
      taxRateBp: product.taxRateBp,
    };
    return { productId: product.id, invoiceLine: { ...priced, ...priceLine(priced) } };
  });
}

/**
 * The guest's billing address as the invoice prints it, one line each, the country named in the invoice's language
 * (`locale`: the invoice's formatting locale, e.g. de-GB → "Vereinigtes Königreich").
 */
function billedToAddressOf(guest: GuestDetails, locale: string): string | null {
  const country = guest.billingCountry && new Intl.DisplayNames(locale, { type: "region" }).of(guest.billingCountry);
  const address = [
    guest.billingLine1,
    guest.billingLine2,
    [guest.billingPostalCode, guest.billingCity].filter(Boolean).join(" "),
    country,
  ]
    .filter(Boolean)
    .join("\n");
  return address || null;
}

/**
 * Places a guest's order: the basket session with its lines, the invoice it produces (unpaid, not yet
 * numbered: it takes its number when the payment succeeds) and the pending payment, in one transaction
 * script. Returns the basket GUID — the only time it exists in clear: only its SHA-256 is stored.
 */
export async function createGuestCheckout(input: {
  businessId: number;
  order: GuestCheckoutInput;
  /** Its first payment attempt: the provider's reference, and the card it is charged to (brand and last four only). */
  payment: { provider: string; reference: string; card?: PaymentCard | null };
  /** The checkout form's key for this order, when it came from the form. */
  orderKey?: string;
  /** The guest's language at checkout; their registration e-mail is written in it. English unless said. */
  locale?: Locale;
  now?: Date;
}): Promise<CreatedGuestCheckout> {
  const parsed = GuestCheckoutInputSchema.safeParse(input.order);
  if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
  const { guest, lines } = parsed.data;
  const now = input.now ?? new Date();
  const basketToken = randomUUID();

  const checkoutLocale = input.locale ?? DEFAULT_LOCALE;

  return runTransaction(function* () {
    const business = yield* findBusinessCheckoutTerms(input.businessId);
    if (!business) throw new AppError("not_found", { detail: "There is no such business." });
    // An invoice is a document in one language, its labels': its lines name the products and its address the country
    // in that language, written now so the invoice reads the same whatever the business renames later.
    const language = invoiceLanguageOf(business, checkoutLocale);
    const products = yield* findSellableProducts(
      input.businessId,
      lines.map((line) => line.productId),
      language,
    );
    const pricedLines = priceOrder(lines, products);
    const totals = sumLines(pricedLines.map((line) => line.invoiceLine));

    const invoiceId = yield* addInvoice({
      businessId: input.businessId,
      billedToName: guest.fullName,
      billedToEmail: guest.email,
      billedToCompany: guest.company ?? null,
      billedToAddress: billedToAddressOf(guest, displayLocale(language, business.locale)),
      language,
      subtotalMinor: totals.subtotalMinor,
      taxMinor: totals.taxMinor,
      totalMinor: totals.totalMinor,
      currency: business.currency,
      createdAt: now,
    });
    yield* addInvoiceLines(
      invoiceId,
      pricedLines.map((line) => line.invoiceLine),
    );
    yield* addPayment({
      invoiceId,
      provider: input.payment.provider,
      reference: input.payment.reference,
      card: input.payment.card ?? null,
      amountMinor: totals.totalMinor,
      currency: business.currency,
      status: "pending",
      createdAt: now,
      reconcileAt: reconcileDeadline(now),
    });

    const basketSessionId = yield* addBasketSession({
      orderKey: input.orderKey ?? null,
      businessId: input.businessId,
      locale: checkoutLocale,
      guestFullName: guest.fullName,
      guestEmail: guest.email,
      guestCompany: guest.company ?? null,
      guestPhone: guest.phone ?? null,
      billingLine1: guest.billingLine1 ?? null,
      billingLine2: guest.billingLine2 ?? null,
      billingCity: guest.billingCity ?? null,
      billingPostalCode: guest.billingPostalCode ?? null,
      billingCountry: guest.billingCountry ?? null,
      expiresAt: basketExpiresAt(now),
      invoiceId,
      createdAt: now,
    });
    // Its first completion link: only the SHA-256 of the GUID is stored.
    yield* addBasketToken(sha256Hex(basketToken), basketSessionId, now);
    yield* addBasketLines(
      basketSessionId,
      pricedLines.map(({ productId, invoiceLine: line }) => ({
        productId,
        description: line.description,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        taxRateBp: line.taxRateBp,
      })),
    );

    yield* execute(auditEventInsert({ type: "checkout.created", actor: "guest", basketSessionId, invoiceId }));
    return {
      basketSessionId,
      basketToken,
      invoiceId,
      totalMinor: totals.totalMinor,
      currency: business.currency,
    };
  });
}
