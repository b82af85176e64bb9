import "server-only";

import type { Prisma } from "@/lib/server/db";

/** The status staff see for a guest checkout, derived from its timestamps. */
export const CHECKOUT_STATUSES = ["pending_payment", "paid", "registered", "expired"] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export function checkoutStatusOf(basket: { completedAt: Date | null; consumedAt: Date | null; expiresAt: Date }, now: Date): CheckoutStatus {
  if (basket.consumedAt) return "registered";
  if (basket.expiresAt <= now) return "expired";
  return basket.completedAt ? "paid" : "pending_payment";
}

export function checkoutStatusWhere(status: CheckoutStatus, now: Date): Prisma.BasketSessionWhereInput {
  switch (status) {
    case "registered":
      return { consumedAt: { not: null } };
    case "expired":
      return { consumedAt: null, expiresAt: { lte: now } };
    case "paid":
      return { consumedAt: null, expiresAt: { gt: now }, completedAt: { not: null } };
    case "pending_payment":
      return { consumedAt: null, expiresAt: { gt: now }, completedAt: null };
  }
}
