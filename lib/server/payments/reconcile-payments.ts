import "server-only";

import { completeCheckoutPayment, declineCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { runTransaction } from "@/lib/server/db";
import { claimPaymentsForReconciling, paymentsDueForReconciling } from "@/lib/server/db/payments";
import { logger } from "@/lib/server/logger";
import { paymentProviderNamed } from "@/lib/server/payments/registry";

/**
 * The reconciler (docs/contract.md §3.7): no payment stays unsettled — pending, processing or confirming — past
 * PAYMENT_RECONCILE_AFTER_SECONDS. A payment whose time has come is claimed with a lease (so instances running this
 * together ask about each payment once; should two ever ask, both answers are the provider's one truth), and its
 * provider is asked about the charge. A settled charge is recorded as such; one still unsettled, or one the provider
 * never received (the app died before or during the charge), is canceled at the provider and recorded as declined:
 * nothing was taken, and the guest may pay again. A provider that cannot answer is asked again when the lease ends.
 */
const LEASE_MS = 60_000;
const BATCH = 20;

/** Settles the due payments of one batch; answers how many were claimed (a full batch: more may be waiting). */
export async function reconcileDuePayments(now = new Date()): Promise<{ claimed: number; settled: number }> {
  const claimed = await runTransaction(function* () {
    const due = yield* paymentsDueForReconciling(now, BATCH);
    if (due.length === 0) return [];
    return yield* claimPaymentsForReconciling(due, now, new Date(now.getTime() + LEASE_MS));
  });
  let settled = 0;
  for (const payment of claimed) {
    const provider = paymentProviderNamed(payment.provider);
    if (!provider) {
      logger.error("reconciler: a payment of an unknown provider; asked again later", {
        paymentId: payment.id,
        provider: payment.provider,
      });
      continue;
    }
    try {
      const known = await provider.retrieve(payment.reference);
      const outcome = known === "succeeded" || known === "declined" ? known : await provider.cancel(payment.reference);
      const attempt = { invoiceId: payment.invoiceId, provider: payment.provider, reference: payment.reference };
      if (outcome === "succeeded") await completeCheckoutPayment(attempt);
      else await declineCheckoutPayment({ ...attempt, actor: "system" });
      logger.info("reconciler settled a payment", {
        paymentId: payment.id,
        provider: payment.provider,
        known,
        outcome,
      });
      settled++;
    } catch (error) {
      logger.warn("reconciler: the provider could not answer; asked again later", { paymentId: payment.id, error });
    }
  }
  return { claimed: claimed.length, settled };
}

export const RECONCILE_BATCH = BATCH;
