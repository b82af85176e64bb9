import "server-only";

import {
  afterPaymentRecorded,
  recordPaymentDeclined,
  recordPaymentSucceeded,
} from "@/lib/server/billing/complete-checkout-payment";
import { runTransaction, type SqlScript } from "@/lib/server/db";
import { findInvoiceIdOfPayment, recordPaymentEvent } from "@/lib/server/db/payments";
import { logger } from "@/lib/server/logger";
import type { PaymentEvent } from "@/lib/server/billing/payment-provider";
import type { PaymentEventReceipt } from "@/lib/validation/payment";

/** What a webhook event did: recorded a payment (or its decline), or nothing, and why not. */
export type EventApplied = PaymentEventReceipt["applied"];

/**
 * A provider's verified webhook event (docs/contract.md §3.7), applied once: the event's id is recorded in the same
 * transaction as what it changes, so a replayed event (the provider's retry, or an attacker's copy of a real one)
 * changes nothing. Events only ever move a payment forward: a decline for a payment that succeeded, or any event for
 * one already settled that way, changes nothing, whatever order they arrive in. A success recorded this way queues
 * the receipt and starts the grace period, as one at checkout does.
 */
export async function applyPaymentEvent(
  provider: string,
  event: PaymentEvent,
  now = new Date(),
): Promise<EventApplied> {
  const applied = await runTransaction(function* (): SqlScript<EventApplied> {
    const fresh = yield* recordPaymentEvent({
      provider,
      eventId: event.id,
      type: `charge.${event.outcome}`,
      reference: event.reference,
      receivedAt: now,
    });
    if (fresh === 0) return "duplicate";
    const invoiceId = yield* findInvoiceIdOfPayment(provider, event.reference);
    if (invoiceId === null) return "unknown_payment";
    const attempt = { invoiceId, provider, reference: event.reference };
    if (event.outcome === "succeeded") {
      const recorded = yield* recordPaymentSucceeded(attempt, now);
      return recorded === "already_recorded" ? "already_settled" : recorded;
    }
    return (yield* recordPaymentDeclined({ ...attempt, actor: "system" })) ? "declined" : "already_settled";
  });
  if (applied === "paid") afterPaymentRecorded();
  if (applied === "unknown_payment")
    logger.warn("payment event for no payment of ours", { provider, reference: event.reference, eventId: event.id });
  logger.info("payment event", { provider, eventId: event.id, outcome: event.outcome, applied });
  return applied;
}
