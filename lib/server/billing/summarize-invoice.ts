import "server-only";

import { maskEmail } from "@/lib/format";
import type { InvoiceDocument } from "@/lib/server/invoices/invoice-document";
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
    lines: invoice.lines,
    subtotalMinor: invoice.subtotalMinor,
    taxMinor: invoice.taxMinor,
    totalMinor: invoice.totalMinor,
    customerEmailMasked: maskEmail(invoice.customer?.email ?? invoice.billedToEmail),
  });
}
