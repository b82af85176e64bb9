import "server-only";

import type { Viewer } from "@/lib/server/auth/viewer";
import { invoiceScopeOf } from "@/lib/server/billing/get-invoice-for-viewer";
import { getDb } from "@/lib/server/db";

/** The issued invoices a viewer may see, newest first (the portal's list). */
export async function listInvoicesForViewer(viewer: Viewer, options: { take?: number } = {}) {
  const invoices = await getDb().invoice.findMany({
    where: { AND: [invoiceScopeOf(viewer), { number: { not: null }, issuedAt: { not: null } }] },
    orderBy: [{ issuedAt: "desc" }, { id: "desc" }],
    take: options.take ?? 100,
    select: {
      id: true,
      number: true,
      issuedAt: true,
      paidAt: true,
      totalMinor: true,
      currency: true,
      business: { select: { name: true, locale: true, timeZone: true } },
    },
  });
  return invoices.flatMap(({ number, issuedAt, ...invoice }) =>
    number !== null && issuedAt !== null ? [{ ...invoice, number, issuedAt }] : [],
  );
}
