import "server-only";

import { recordAuditEvent } from "@/lib/server/audit";
import { basketExpiresAt } from "@/lib/server/billing/basket-expiry";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";

/**
 * Records that the payment of a guest checkout succeeded: the payment, the invoice (paid, with the
 * payment reference) and the basket session (completed; its registration window starts now), together.
 * Calling it again for a paid checkout changes nothing.
 */
export async function completeCheckoutPayment(input: {
  invoiceId: number;
  provider: string;
  reference: string;
  now?: Date;
}): Promise<void> {
  const now = input.now ?? new Date();
  await getDb().$transaction(async (tx) => {
    const payment = await tx.payment.updateMany({
      where: { invoiceId: input.invoiceId, provider: input.provider, reference: input.reference, status: { in: ["pending", "processing"] } },
      data: { status: "succeeded", completedAt: now },
    });
    if (payment.count === 0) {
      const existing = await tx.payment.findFirst({
        where: { invoiceId: input.invoiceId, provider: input.provider, reference: input.reference },
        select: { status: true },
      });
      if (existing?.status === "succeeded") return;
      throw new AppError("not_found", { detail: "No pending payment matches this invoice." });
    }
    await tx.invoice.update({
      where: { id: input.invoiceId },
      data: { paidAt: now, paymentReference: input.reference },
      select: { id: true },
    });
    const basket = await tx.basketSession.update({
      where: { invoiceId: input.invoiceId },
      data: {
        status: "paid",
        completedAt: now,
        expiresAt: basketExpiresAt(now),
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, { type: "checkout.paid", actor: "system", basketSessionId: basket.id, invoiceId: input.invoiceId });
  });
}
