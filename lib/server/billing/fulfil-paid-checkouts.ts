import "server-only";

import { registerPaidCheckoutByServer } from "@/lib/server/billing/register-by-token";
import { runOneWrite, runReadOnly } from "@/lib/server/db";
import { basketsDueForFulfilment, postponeFulfilment } from "@/lib/server/db/checkouts";
import { logger } from "@/lib/server/logger";

/**
 * Fulfilment that does not wait for the guest's browser (docs/contract.md §3.7): every paid checkout that no
 * completion page registered by its `fulfilAt` (payment + FULFILMENT_GRACE_SECONDS) is registered by the server.
 * Every instance runs this; the registration's conditional consume makes it happen once.
 */
const BATCH = 20;
/** A registration that failed (a fault, not a lost race) is tried again this much later. */
const RETRY_MS = 60_000;

/** Registers the due checkouts of one batch; answers how many were due (a full batch: more may be waiting). */
export async function fulfilDueCheckouts(now = new Date()): Promise<{ due: number; registered: number }> {
  const due = await runReadOnly(() => basketsDueForFulfilment(now, BATCH));
  let registered = 0;
  for (const id of due) {
    try {
      if (await registerPaidCheckoutByServer(id, now)) registered++;
    } catch (error) {
      logger.error("registration by the server failed; tried again later", { basketSessionId: id, error });
      await runOneWrite(() => postponeFulfilment(id, new Date(now.getTime() + RETRY_MS)));
    }
  }
  return { due: due.length, registered };
}

export const FULFILMENT_BATCH = BATCH;
