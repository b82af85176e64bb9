import "server-only";

import { getConfig } from "@/lib/config";

const HOUR_MS = 3_600_000;

/** A basket session can be registered until BASKET_TTL_HOURS (default 24) after `from`. */
export function basketExpiresAt(from: Date): Date {
  return new Date(from.getTime() + getConfig().basketTtlHours * HOUR_MS);
}

/**
 * When a payment created at `createdAt` is settled with its provider by the reconciler if nothing settled it before:
 * PAYMENT_RECONCILE_AFTER_SECONDS later, so none is left pending for ever.
 */
export function reconcileDeadline(createdAt: Date): Date {
  return new Date(createdAt.getTime() + getConfig().fulfilment.reconcileAfterSeconds * 1000);
}
