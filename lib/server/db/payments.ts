import "server-only";

import type { ExpressionBuilder } from "kysely";

import { built, type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import type { DB } from "@/lib/generated/kysely/types";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The payments' store: the payment attempts of an invoice, each moved forward only by a conditional update (on the
 * status it must still have), the provider events recorded once, and the reconciler's leases on unsettled payments.
 */

/** One payment attempt: the invoice it pays, and its provider's charge. */
export interface PaymentAttempt {
  invoiceId: number;
  provider: string;
  reference: string;
}

/** The statuses of a payment not yet settled. */
const UNSETTLED = [sql.lit("pending"), sql.lit("processing"), sql.lit("confirming")];

/** The payment of `attempt`: its invoice, its provider and its reference. */
function isAttempt(eb: ExpressionBuilder<DB, "Payment">, attempt: Parameters<PaymentAttempt>) {
  return eb.and([
    eb("invoiceId", "=", attempt.invoiceId),
    eb("provider", "=", attempt.provider),
    eb("reference", "=", attempt.reference),
  ]);
}

/** What a payment keeps of its card: the brand and the last four digits (lib/payment-method.ts), never more. */
export interface StoredCard {
  brand: string;
  last4: string;
}

export interface NewPayment {
  invoiceId: number;
  provider: string;
  reference: string;
  amountMinor: number;
  currency: string;
  status: "pending" | "processing";
  createdAt: Date;
  /** When the reconciler settles it with its provider, if nothing else has by then. */
  reconcileAt: Date;
  /** The card it is charged to, as its receipt names it: brand and last four digits only. Null when not by card. */
  card: StoredCard | null;
}

type PaymentRow = Omit<NewPayment, "card"> & { cardBrand: string | null; cardLast4: string | null };

const insertPayment = prepare((p: Parameters<PaymentRow>) =>
  sqlBuilder.insertInto("Payment").values({
    invoiceId: p.invoiceId,
    provider: p.provider,
    reference: p.reference,
    amountMinor: p.amountMinor,
    currency: p.currency,
    status: p.status,
    createdAt: p.createdAt,
    reconcileAt: p.reconcileAt,
    cardBrand: p.cardBrand,
    cardLast4: p.cardLast4,
  }),
);

/** Adds a payment attempt. */
export function* addPayment({ card, ...payment }: NewPayment): SqlScript<void> {
  yield* execute(insertPayment({ ...payment, cardBrand: card?.brand ?? null, cardLast4: card?.last4 ?? null }));
}

const claimPending = prepare((p: Parameters<{ id: number; cardBrand: string | null; cardLast4: string | null }>) =>
  sqlBuilder
    .updateTable("Payment")
    .set({ status: sql.lit("processing"), cardBrand: p.cardBrand, cardLast4: p.cardLast4 })
    .where("id", "=", p.id)
    .where("status", "=", sql.lit("pending")),
);

/**
 * Claims a pending payment for its charge (processing), to the card this charge uses; answers 1 if this call claimed
 * it, 0 if another did.
 */
export function claimPendingPayment(paymentId: number, card: StoredCard | null): SqlScript<number> {
  return execute(claimPending({ id: paymentId, cardBrand: card?.brand ?? null, cardLast4: card?.last4 ?? null }));
}

const processingToConfirming = prepare((p: Parameters<{ provider: string; reference: string }>) =>
  sqlBuilder
    .updateTable("Payment")
    .set({ status: sql.lit("confirming") })
    .where("id", "=", (eb) =>
      eb.selectFrom("Payment").select("id").where("provider", "=", p.provider).where("reference", "=", p.reference),
    )
    .where("status", "=", sql.lit("processing")),
);

/**
 * A charge the provider confirms later: its payment, still processing, waits for the confirmation; answers 0 when it
 * was settled first.
 */
export function markPaymentConfirming(provider: string, reference: string): SqlScript<number> {
  return execute(processingToConfirming({ provider, reference }));
}

const unsettledToSucceeded = prepare((p: Parameters<PaymentAttempt & { now: Date }>) =>
  sqlBuilder
    .updateTable("Payment")
    .set({ status: sql.lit("succeeded"), completedAt: p.now, reconcileAt: null })
    .where((eb) => isAttempt(eb, p))
    .where("status", "in", UNSETTLED),
);

/** The attempt succeeded, unless it was settled before; answers how many payments changed (0 or 1). */
export function markPaymentSucceeded(attempt: PaymentAttempt, now: Date): SqlScript<number> {
  return execute(unsettledToSucceeded({ ...attempt, now }));
}

const unsettledToDeclined = prepare((p: Parameters<PaymentAttempt>) =>
  sqlBuilder
    .updateTable("Payment")
    .set({ status: sql.lit("declined"), reconcileAt: null })
    .where((eb) => isAttempt(eb, p))
    .where("status", "in", UNSETTLED),
);

/** The attempt was declined, unless it was settled before; answers how many payments changed (0 or 1). */
export function markPaymentDeclined(attempt: PaymentAttempt): SqlScript<number> {
  return execute(unsettledToDeclined(attempt));
}

const settlementOfAttempt = prepare((p: Parameters<PaymentAttempt>) =>
  sqlBuilder
    .selectFrom("Payment")
    .select(["status", "refundDueAt"])
    .where((eb) => isAttempt(eb, p)),
);

/** How the attempt was settled: its status, and whether it is flagged for a refund; null when there is no such payment. */
export function* findPaymentSettlement(
  attempt: PaymentAttempt,
): SqlScript<{ status: string; refundDueAt: Date | null } | null> {
  const [payment] = yield* query(settlementOfAttempt(attempt));
  return payment ?? null;
}

const refundDue = prepare((p: Parameters<PaymentAttempt & { now: Date }>) =>
  sqlBuilder
    .updateTable("Payment")
    .set({ refundDueAt: p.now })
    .where((eb) => isAttempt(eb, p)),
);

/** Flags the attempt's charge for staff to refund. */
export function* flagPaymentRefundDue(attempt: PaymentAttempt, now: Date): SqlScript<void> {
  yield* execute(refundDue({ ...attempt, now }));
}

const insertPaymentEvent = prepare(
  (p: Parameters<{ provider: string; eventId: string; type: string; reference: string; receivedAt: Date }>) =>
    sqlBuilder
      .insertInto("PaymentEvent")
      .values({
        provider: p.provider,
        eventId: p.eventId,
        type: p.type,
        reference: p.reference,
        receivedAt: p.receivedAt,
      })
      .onConflict((conflict) => conflict.columns(["provider", "eventId"]).doNothing()),
);

/** Records a provider's event once; answers 1 the first time, 0 for a replay (the same provider and event id). */
export function recordPaymentEvent(event: {
  provider: string;
  eventId: string;
  type: string;
  reference: string;
  receivedAt: Date;
}): SqlScript<number> {
  return execute(insertPaymentEvent(event));
}

const invoiceOfPayment = prepare((p: Parameters<{ provider: string; reference: string }>) =>
  sqlBuilder
    .selectFrom("Payment")
    .select("invoiceId")
    .where("provider", "=", p.provider)
    .where("reference", "=", p.reference),
);

/** The invoice of the payment with this provider's reference; null when there is none. */
export function* findInvoiceIdOfPayment(provider: string, reference: string): SqlScript<number | null> {
  const [payment] = yield* query(invoiceOfPayment({ provider, reference }));
  return payment?.invoiceId ?? null;
}

const dueIds = prepare((p: Parameters<{ now: Date; limit: number }>) =>
  sqlBuilder.selectFrom("Payment").select("id").where("reconcileAt", "<=", p.now).orderBy("reconcileAt").limit(p.limit),
);

/** Up to `limit` payments due for the reconciler, the longest due first. */
export function* paymentsDueForReconciling(now: Date, limit: number): SqlScript<number[]> {
  const due = yield* query(dueIds({ now, limit }));
  return due.map((row) => row.id);
}

/**
 * Claims those of `ids` still due, until `leaseUntil` (of two reconcilers, only one claims a payment); answers the
 * claimed payments.
 */
export function claimPaymentsForReconciling(ids: readonly number[], now: Date, leaseUntil: Date) {
  return query(
    built(
      sqlBuilder
        .updateTable("Payment")
        .set({ reconcileAt: leaseUntil })
        .where("id", "in", ids)
        .where("reconcileAt", "<=", now)
        .returning(["id", "invoiceId", "provider", "reference"]),
    ),
  );
}
