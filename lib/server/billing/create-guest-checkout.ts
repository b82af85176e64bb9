import "server-only";

import { randomUUID } from "node:crypto";

import { recordAuditEvent } from "@/lib/server/audit";
import { basketExpiresAt } from "@/lib/server/billing/basket-expiry";
import { priceLine, sumLines } from "@/lib/money";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { sha256Hex } from "@/lib/server/hash";
import { GuestCheckoutInputSchema, type GuestCheckoutInput } from "@/lib/validation/checkout";

/**
 * Places a guest's order: the basket session with its lines, the invoice it produces (unpaid, numbered)
 * and the pending payment, in one transaction. Returns the basket GUID — the only time it exists in
 * clear: only its SHA-256 is stored.
 */
export interface CreatedGuestCheckout {
  basketSessionId: number;
  basketToken: string;
  invoiceId: number;
  invoiceNumber: string;
  totalMinor: number;
  currency: string;
}

function formatInvoiceNumber(prefix: string, issuedAt: Date, timeZone: string, sequence: number): string {
  const year = new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(issuedAt);
  return `${prefix}-${year}-${String(sequence).padStart(6, "0")}`;
}

export async function createGuestCheckout(input: {
  businessId: number;
  order: GuestCheckoutInput;
  payment: { provider: string; reference: string };
  /** The checkout form's key for this order, when it came from the form. */
  orderKey?: string;
  now?: Date;
}): Promise<CreatedGuestCheckout> {
  const parsed = GuestCheckoutInputSchema.safeParse(input.order);
  if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
  const { guest, lines } = parsed.data;
  const now = input.now ?? new Date();
  const basketToken = randomUUID();

  return getDb().$transaction(async (tx) => {
    const products = await tx.product.findMany({
      where: { businessId: input.businessId, active: true, id: { in: lines.map((line) => line.productId) } },
      select: { id: true, name: true, unitPriceMinor: true, taxRateBp: true },
    });
    const pricedLines = lines.map((line, index) => {
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
    const invoiceLines = pricedLines.map((line) => line.invoiceLine);
    const totals = sumLines(invoiceLines);

    // The increment is atomic, so concurrent checkouts never share a number.
    const business = await tx.business.update({
      where: { id: input.businessId },
      data: { nextInvoiceSeq: { increment: 1 } },
      select: { nextInvoiceSeq: true, invoicePrefix: true, timeZone: true, currency: true, locale: true },
    });
    const number = formatInvoiceNumber(business.invoicePrefix, now, business.timeZone, business.nextInvoiceSeq - 1);
    const country = guest.billingCountry && new Intl.DisplayNames(business.locale, { type: "region" }).of(guest.billingCountry);
    const billedToAddress = [
      guest.billingLine1,
      guest.billingLine2,
      [guest.billingPostalCode, guest.billingCity].filter(Boolean).join(" "),
      country,
    ]
      .filter(Boolean)
      .join("\n");

    const invoice = await tx.invoice.create({
      data: {
        number,
        businessId: input.businessId,
        billedToName: guest.fullName,
        billedToEmail: guest.email,
        billedToCompany: guest.company ?? null,
        billedToAddress: billedToAddress || null,
        ...totals,
        currency: business.currency,
        issuedAt: now,
        lines: {
          create: invoiceLines,
        },
        payments: {
          create: {
            provider: input.payment.provider,
            reference: input.payment.reference,
            amountMinor: totals.totalMinor,
            currency: business.currency,
            status: "pending",
          },
        },
      },
      select: { id: true },
    });

    const basket = await tx.basketSession.create({
      data: {
        tokenHash: sha256Hex(basketToken),
        orderKey: input.orderKey ?? null,
        businessId: input.businessId,
        status: "pending_payment",
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
        invoiceId: invoice.id,
        createdAt: now,
        lines: {
          create: pricedLines.map(({ productId, invoiceLine }) => ({
            productId,
            description: invoiceLine.description,
            quantity: invoiceLine.quantity,
            unitPriceMinor: invoiceLine.unitPriceMinor,
            taxRateBp: invoiceLine.taxRateBp,
          })),
        },
      },
      select: { id: true },
    });

    await recordAuditEvent(tx, { type: "checkout.created", actor: "guest", basketSessionId: basket.id, invoiceId: invoice.id });
    return {
      basketSessionId: basket.id,
      basketToken,
      invoiceId: invoice.id,
      invoiceNumber: number,
      totalMinor: totals.totalMinor,
      currency: business.currency,
    };
  });
}
