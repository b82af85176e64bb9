import "server-only";

import { getConfig } from "@/lib/config";
import { Prisma, type Statement } from "@/lib/server/db";

/**
 * The INSERT of a payment attempt. A payment not settled by PAYMENT_RECONCILE_AFTER_SECONDS after it was created is
 * settled with its provider by the reconciler (reconcile-payments.ts), so none is left pending for ever.
 */
export function paymentInsert(
  payment: {
    invoiceId: number;
    provider: string;
    reference: string;
    amountMinor: number;
    currency: string;
    status: "pending" | "processing";
  },
  now: Date,
): Statement {
  const reconcileAt = new Date(now.getTime() + getConfig().fulfilment.reconcileAfterSeconds * 1000);
  return Prisma.sql`
    INSERT INTO "Payment" ("invoiceId", "provider", "reference", "amountMinor", "currency", "status", "createdAt", "reconcileAt")
    VALUES (${payment.invoiceId}, ${payment.provider}, ${payment.reference}, ${payment.amountMinor}, ${payment.currency}, ${payment.status}, ${now}, ${reconcileAt})`;
}
