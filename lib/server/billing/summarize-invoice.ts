import "server-only";

import { taxByRate } from "@/lib/money";
import type { InvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { normalizeEmail } from "@/lib/validation/guest";
import { InvoiceSummarySchema, type InvoiceSummary } from "@/lib/validation/invoice-summary";

/** The completion page's view of an invoice, through the output schema so nothing else can slip in. */
export function summarizeInvoice(invoice: InvoiceDocument): InvoiceSummary {
  return InvoiceSummarySchema.parse({
    invoiceId: invoice.id,
    invoiceNumber: invoice.number,
    issuedAt: invoice.issuedAt.toISOString(),
    paidAt: invoice.paidAt?.toISOString() ?? null,
    currency: invoice.currency,
    locale: invoice.business.locale,
    timeZone: invoice.business.timeZone,
    businessName: invoice.business.name,
    customerName: invoice.billedToName,
    // Where the receipt went (complete-checkout-payment.ts): the checkout's address, which a staff correction changes.
    customerEmail: normalizeEmail(invoice.billedToEmail),
    lines: invoice.lines,
    subtotalMinor: invoice.subtotalMinor,
    taxes: taxByRate(invoice.lines),
    taxMinor: invoice.taxMinor,
    totalMinor: invoice.totalMinor,
    paymentCard: invoice.paymentCard,
  });
}
