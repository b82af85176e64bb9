import "server-only";

import { getConfig } from "@/lib/config";
import { auditEventInsert, type AuditEventInput } from "@/lib/server/db/audit-events";
import { basketExpiresAt } from "@/lib/server/billing/deadlines";
import { execute, runTransaction, type SqlScript } from "@/lib/server/db";
import { markBasketDeclined, markBasketPaid } from "@/lib/server/db/checkouts";
import { issuePaidInvoice, takeInvoiceSequenceNumber } from "@/lib/server/db/invoices";
import {
  findPaymentSettlement,
  flagPaymentRefundDue,
  markPaymentDeclined,
  markPaymentSucceeded,
  type PaymentAttempt,
} from "@/lib/server/db/payments";
import { AppError } from "@/lib/server/errors";
import { kickBackgroundWork } from "@/lib/server/background-kick";
import { logger } from "@/lib/server/logger";
import { mailInsert } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * Records that the payment of a guest checkout succeeded (docs/contract.md §3.7), in one transaction: the payment, the
 * invoice (issued: numbered and dated now, paid, with the payment reference), the basket session (completed; its
 * link's expiry starts now, and the server registers the guest itself at `fulfilAt` if no completion page did), the
 * audit event and the receipt e-mail, so the guest has their receipt and invoice whether or not their browser ever
 * comes back. Calling it again for a paid checkout changes nothing.
 *
 * Invoices are numbered here, not when the order is placed, so a declined order never takes a number and
 * the numbers of a business run without gaps over the invoices it actually issued.
 *
 * A decline is final: the reconciler declines only what the provider confirmed it never charged or canceled, so a
 * success reported afterwards contradicts the provider's own word and issues nothing — the payment is flagged for a
 * refund, as is a success for an invoice another payment already paid.
 */

export type PaymentRecorded = "paid" | "already_recorded" | "refund_due";

function formatInvoiceNumber(prefix: string, issuedAt: Date, timeZone: string, sequence: number): string {
  const year = new Intl.DateTimeFormat("en", { timeZone, year: "numeric" }).format(issuedAt);
  return `${prefix}-${year}-${String(sequence).padStart(6, "0")}`;
}

/** The success as a script, for the callers that record it beside something else (a webhook event's receipt). */
export function* recordPaymentSucceeded(input: PaymentAttempt, now: Date): SqlScript<PaymentRecorded> {
  const payment = yield* markPaymentSucceeded(input, now);
  if (payment === 0) {
    const existing = yield* findPaymentSettlement(input);
    if (existing?.status === "succeeded") return "already_recorded";
    if (existing?.status === "declined")
      return existing.refundDueAt ? "already_recorded" : yield* flagRefund(input, now);
    throw new AppError("not_found", { detail: "No payment matches this invoice." });
  }
  // The increment is atomic, so concurrent payments never share a number; an invoice is numbered once.
  const business = yield* takeInvoiceSequenceNumber(input.invoiceId);
  // Another payment of this order succeeded first: this charge took money the order did not need.
  if (!business) return yield* flagRefund(input, now);
  const number = formatInvoiceNumber(business.invoicePrefix, now, business.timeZone, business.nextInvoiceSeq - 1);
  yield* issuePaidInvoice({ invoiceId: input.invoiceId, number, now, paymentReference: input.reference });
  const fulfilAt = new Date(now.getTime() + getConfig().fulfilment.graceSeconds * 1000);
  const basket = yield* markBasketPaid({
    invoiceId: input.invoiceId,
    now,
    expiresAt: basketExpiresAt(now),
    fulfilAt,
  });
  if (!basket) throw new Error(`invoice ${input.invoiceId} has no basket session`);
  yield* execute(
    auditEventInsert({
      type: "checkout.paid",
      actor: "system",
      basketSessionId: basket.id,
      invoiceId: input.invoiceId,
    }),
  );
  yield* execute(
    mailInsert({
      kind: "checkout.receipt",
      recipient: normalizeEmail(basket.guestEmail),
      payload: {
        businessId: basket.businessId,
        invoiceId: input.invoiceId,
        invoiceNumber: number,
        locale: basket.locale,
      },
    }),
  );
  return "paid";
}

/** A charge the order must not keep: flagged for staff to refund, audited and logged; the invoice is left as it is. */
function* flagRefund(input: PaymentAttempt, now: Date): SqlScript<"refund_due"> {
  yield* flagPaymentRefundDue(input, now);
  yield* execute(
    auditEventInsert({
      type: "payment.refund_due",
      actor: "system",
      invoiceId: input.invoiceId,
      detail: { provider: input.provider, reference: input.reference },
    }),
  );
  logger.error("a payment succeeded that the order cannot keep (already paid, or declined before): refund it", {
    invoiceId: input.invoiceId,
    reference: input.reference,
  });
  return "refund_due";
}

export async function completeCheckoutPayment(input: PaymentAttempt & { now?: Date }): Promise<PaymentRecorded> {
  const now = input.now ?? new Date();
  const recorded = await runTransaction(() => recordPaymentSucceeded(input, now));
  if (recorded === "paid") afterPaymentRecorded();
  return recorded;
}

/** Once a payment is recorded: its receipt goes out now, and the server's registration is looked at when it is due. */
export function afterPaymentRecorded(): void {
  kickMailWorker();
  kickBackgroundWork(getConfig().fulfilment.graceSeconds * 1000);
}

/** The decline as a script. Nothing changes if the attempt was already settled. */
export function* recordPaymentDeclined(
  input: PaymentAttempt & { actor: AuditEventInput["actor"]; clientIp?: string },
): SqlScript<boolean> {
  const declined = yield* markPaymentDeclined(input);
  if (declined !== 1) return false;
  const basketSessionId = yield* markBasketDeclined(input.invoiceId);
  yield* execute(
    auditEventInsert({
      type: "checkout.declined",
      actor: input.actor,
      basketSessionId: basketSessionId ?? undefined,
      invoiceId: input.invoiceId,
      clientIp: input.clientIp,
    }),
  );
  return true;
}

/**
 * Records that a payment attempt of a guest checkout was declined: the payment, the checkout (declined, until its next
 * attempt) and the audit event, together.
 */
export async function declineCheckoutPayment(
  input: PaymentAttempt & { actor: AuditEventInput["actor"]; clientIp?: string },
): Promise<void> {
  await runTransaction(() => recordPaymentDeclined(input));
}
