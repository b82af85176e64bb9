import "server-only";

import type { Db, Tx } from "@/lib/server/db";

/** The invoice's business and lines, as every view of an invoice shows them. */
export const invoiceBusinessSelect = { select: { name: true, address: true, taxId: true, locale: true, timeZone: true } } as const;
export const invoiceLinesSelect = {
  select: { position: true, description: true, quantity: true, unitPriceMinor: true, taxRateBp: true, amountMinor: true, taxMinor: true },
  orderBy: { position: "asc" },
} as const;

/** Everything an invoice document (PDF or summary) shows, loaded in one query. */
const invoiceDocumentSelect = {
  id: true,
  number: true,
  currency: true,
  issuedAt: true,
  paidAt: true,
  paymentReference: true,
  customerId: true,
  billedToName: true,
  billedToEmail: true,
  billedToCompany: true,
  billedToAddress: true,
  subtotalMinor: true,
  taxMinor: true,
  totalMinor: true,
  business: invoiceBusinessSelect,
  customer: { select: { email: true } },
  lines: invoiceLinesSelect,
} as const;

export type InvoiceDocument = NonNullable<Awaited<ReturnType<typeof findInvoiceDocument>>>;

export function findInvoiceDocument(db: Db | Tx, invoiceId: number) {
  return db.invoice.findUnique({ where: { id: invoiceId }, select: invoiceDocumentSelect });
}
