import "server-only";

import type { Viewer } from "@/lib/server/auth/viewer";
import { invoiceScopeOf } from "@/lib/server/billing/get-invoice-for-viewer";
import { getDb } from "@/lib/server/db";

/** The invoices a viewer may see, newest first (the portal's list). */
export async function listInvoicesForViewer(viewer: Viewer, options: { take?: number } = {}) {
  return getDb().invoice.findMany({
    where: invoiceScopeOf(viewer),
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
}
