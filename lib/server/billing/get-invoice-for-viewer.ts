import "server-only";

import type { Viewer } from "@/lib/server/auth/viewer";
import { invoiceBusinessSelect, invoiceLinesSelect } from "@/lib/server/invoices/invoice-document";
import { getDb, type Prisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { InvoiceIdSchema } from "@/lib/validation/registration";

/**
 * Which invoices a viewer may read: a customer those of customer records with their e-mail and portal
 * access, staff those of their business. Anything else is "not found" — never "forbidden" — so nobody
 * learns that someone else's invoice exists. Not signed in is 401.
 */
export function invoiceScopeOf(viewer: Viewer): Prisma.InvoiceWhereInput {
  switch (viewer.kind) {
    case "anonymous":
      throw new AppError("unauthorized");
    case "staff":
      return { businessId: viewer.businessId };
    case "customer":
      return { customer: { email: viewer.email, portalAccessGrantedAt: { not: null } } };
  }
}

export const invoiceDetailSelect = {
  id: true,
  number: true,
  issuedAt: true,
  paidAt: true,
  currency: true,
  billedToName: true,
  billedToEmail: true,
  billedToCompany: true,
  billedToAddress: true,
  subtotalMinor: true,
  taxMinor: true,
  totalMinor: true,
  business: invoiceBusinessSelect,
  customer: { select: { id: true, fullName: true, email: true, company: true } },
  lines: invoiceLinesSelect,
  payments: {
    select: {
      provider: true,
      reference: true,
      amountMinor: true,
      currency: true,
      status: true,
      createdAt: true,
      completedAt: true,
    },
    orderBy: { id: "asc" },
  },
} as const satisfies Prisma.InvoiceSelect;

/** The id of an invoice the viewer may read: 401 for nobody signed in, 404 for any other invoice. */
export async function getReadableInvoiceIdOrThrow(input: { viewer: Viewer; invoiceId: string }): Promise<number> {
  const scope = invoiceScopeOf(input.viewer);
  const invoiceId = InvoiceIdSchema.safeParse(input.invoiceId);
  const invoice = invoiceId.success
    ? await getDb().invoice.findFirst({ where: { AND: [{ id: invoiceId.data }, scope] }, select: { id: true } })
    : null;
  if (!invoice) throw new AppError("invoice_not_found");
  return invoice.id;
}

export async function getInvoiceForViewerOrThrow(input: { viewer: Viewer; invoiceId: string }) {
  const id = await getReadableInvoiceIdOrThrow(input);
  return getDb().invoice.findUniqueOrThrow({ where: { id }, select: invoiceDetailSelect });
}
