import "server-only";

import { auditEventInsert } from "@/lib/server/audit";
import { basketExpiresAt } from "@/lib/server/billing/basket-expiry";
import { execute, Prisma, query, runTransaction } from "@/lib/server/db";
import { int, text } from "@/lib/server/db/columns";
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
  await runTransaction(function* () {
    const payment = yield* execute(Prisma.sql`
      UPDATE "Payment" SET "status" = 'succeeded', "completedAt" = ${now}
      WHERE "invoiceId" = ${input.invoiceId} AND "provider" = ${input.provider} AND "reference" = ${input.reference}
        AND "status" IN ('pending', 'processing')`);
    if (payment === 0) {
      const [existing] = yield* query(
        Prisma.sql`
        SELECT "status" FROM "Payment" WHERE "invoiceId" = ${input.invoiceId} AND "provider" = ${input.provider} AND "reference" = ${input.reference}`,
        { status: text },
      );
      if (existing?.status === "succeeded") return;
      throw new AppError("not_found", { detail: "No pending payment matches this invoice." });
    }
    yield* execute(Prisma.sql`UPDATE "Invoice" SET "paidAt" = ${now}, "paymentReference" = ${input.reference} WHERE "id" = ${input.invoiceId}`);
    const [basket] = yield* query(
      Prisma.sql`
      UPDATE "BasketSession" SET "status" = 'paid', "completedAt" = ${now}, "expiresAt" = ${basketExpiresAt(now)}
      WHERE "invoiceId" = ${input.invoiceId}
      RETURNING "id"`,
      { id: int },
    );
    if (!basket) throw new Error(`invoice ${input.invoiceId} has no basket session`);
    yield* execute(auditEventInsert({ type: "checkout.paid", actor: "system", basketSessionId: basket.id, invoiceId: input.invoiceId }));
  });
}
