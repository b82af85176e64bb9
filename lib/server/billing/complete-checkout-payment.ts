import "server-only";

import { auditEventInsert, type AuditEventInput } from "@/lib/server/audit";
import { basketExpiresAt } from "@/lib/server/billing/basket-expiry";
import { execute, Prisma, query, runTransaction } from "@/lib/server/db";
import { int, text } from "@/lib/server/db/columns";
import { AppError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";

/**
 * Records that the payment of a guest checkout succeeded: the payment, the invoice (issued: numbered and
 * dated now, paid, with the payment reference) and the basket session (completed; its registration window
 * starts now), together. Calling it again for a paid checkout changes nothing.
 *
 * Invoices are numbered here, not when the order is placed, so a declined order never takes a number and
 * the numbers of a business run without gaps over the invoices it actually issued.
 */

function formatInvoiceNumber(prefix: string, issuedAt: Date, timeZone: string, sequence: number): string {
  const year = new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(issuedAt);
  return `${prefix}-${year}-${String(sequence).padStart(6, "0")}`;
}

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
    // The increment is atomic, so concurrent payments never share a number; an invoice is numbered once.
    const [business] = yield* query(
      Prisma.sql`
      UPDATE "Business" SET "nextInvoiceSeq" = "nextInvoiceSeq" + 1
      WHERE "id" = (SELECT "businessId" FROM "Invoice" WHERE "id" = ${input.invoiceId} AND "number" IS NULL)
      RETURNING "nextInvoiceSeq", "invoicePrefix", "timeZone"`,
      { nextInvoiceSeq: int, invoicePrefix: text, timeZone: text },
    );
    if (!business) {
      // A second attempt succeeded for an invoice already issued: the checkout allows one attempt at a time, so
      // this is a provider's late report. The payment is recorded; the invoice and its number stay as they are.
      logger.error("a payment succeeded for an invoice that was already paid: refund it", { invoiceId: input.invoiceId, reference: input.reference });
      return;
    }
    const number = formatInvoiceNumber(business.invoicePrefix, now, business.timeZone, business.nextInvoiceSeq - 1);
    yield* execute(Prisma.sql`
      UPDATE "Invoice" SET "number" = ${number}, "issuedAt" = ${now}, "paidAt" = ${now}, "paymentReference" = ${input.reference}
      WHERE "id" = ${input.invoiceId}`);
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

/**
 * Records that a payment attempt of a guest checkout was declined: the payment, the checkout (declined, until
 * its next attempt) and the audit event, together. Nothing changes if the attempt was already settled.
 */
export async function declineCheckoutPayment(input: {
  invoiceId: number;
  provider: string;
  reference: string;
  actor: AuditEventInput["actor"];
  clientIp?: string;
}): Promise<void> {
  await runTransaction(function* () {
    const declined = yield* execute(Prisma.sql`
      UPDATE "Payment" SET "status" = 'declined'
      WHERE "invoiceId" = ${input.invoiceId} AND "provider" = ${input.provider} AND "reference" = ${input.reference}
        AND "status" IN ('pending', 'processing')`);
    if (declined !== 1) return;
    const [basket] = yield* query(
      Prisma.sql`
      UPDATE "BasketSession" SET "status" = 'declined' WHERE "invoiceId" = ${input.invoiceId} AND "completedAt" IS NULL
      RETURNING "id"`,
      { id: int },
    );
    yield* execute(auditEventInsert({ type: "checkout.declined", actor: input.actor, basketSessionId: basket?.id, invoiceId: input.invoiceId, clientIp: input.clientIp }));
  });
}
