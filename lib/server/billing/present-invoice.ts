import "server-only";

import type { getInvoiceForViewerOrThrow } from "@/lib/server/billing/get-invoice-for-viewer";
import { InvoiceDetailSchema, type InvoiceDetail } from "@/lib/validation/invoice-detail";

type LoadedInvoice = Awaited<ReturnType<typeof getInvoiceForViewerOrThrow>>;

/** The authenticated read's body, through the output schema. */
export function presentInvoice(invoice: LoadedInvoice): InvoiceDetail {
  return InvoiceDetailSchema.parse({
    id: invoice.id,
    number: invoice.number,
    status: invoice.paidAt ? "paid" : "unpaid",
    issuedAt: invoice.issuedAt?.toISOString() ?? null,
    paidAt: invoice.paidAt?.toISOString() ?? null,
    currency: invoice.currency,
    business: invoice.business,
    customer: invoice.customer,
    billedTo: {
      name: invoice.billedToName,
      email: invoice.billedToEmail,
      company: invoice.billedToCompany,
      address: invoice.billedToAddress,
    },
    lines: invoice.lines,
    subtotalMinor: invoice.subtotalMinor,
    taxMinor: invoice.taxMinor,
    totalMinor: invoice.totalMinor,
    payments: invoice.payments.map((payment) => ({
      ...payment,
      createdAt: payment.createdAt.toISOString(),
      completedAt: payment.completedAt?.toISOString() ?? null,
    })),
  });
}
