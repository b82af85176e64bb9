import "server-only";

import type { Prisma } from "@/lib/server/db";

/**
 * The status staff see for a guest checkout. Each checkout has exactly one, in this order of precedence:
 * registered, declined (its latest payment attempt was declined and none succeeded), expired, paid,
 * pending payment.
 */
export const CHECKOUT_STATUSES = ["pending_payment", "declined", "paid", "registered", "expired"] as const;
export type CheckoutStatus = (typeof CHECKOUT_STATUSES)[number];

export function checkoutStatusOf(
  basket: { status: string; completedAt: Date | null; consumedAt: Date | null; expiresAt: Date },
  now: Date,
): CheckoutStatus {
  if (basket.consumedAt) return "registered";
  if (basket.status === "declined" && !basket.completedAt) return "declined";
  if (basket.expiresAt <= now) return "expired";
  return basket.completedAt ? "paid" : "pending_payment";
}

/** The checkouts of one status, as `checkoutStatusOf` decides it. */
export function checkoutStatusWhere(status: CheckoutStatus, now: Date): Prisma.BasketSessionWhereInput {
  const declined = { status: "declined", completedAt: null } satisfies Prisma.BasketSessionWhereInput;
  switch (status) {
    case "registered":
      return { consumedAt: { not: null } };
    case "declined":
      return { consumedAt: null, ...declined };
    case "expired":
      return { consumedAt: null, NOT: declined, expiresAt: { lte: now } };
    case "paid":
      return { consumedAt: null, expiresAt: { gt: now }, completedAt: { not: null } };
    case "pending_payment":
      return { consumedAt: null, NOT: declined, expiresAt: { gt: now }, completedAt: null };
  }
}

/**
 * How a paid checkout is fulfilled (docs/contract.md §3.7), as staff see it beside its status: registered by the server
 * (and whether the guest's link has been answered since), or waiting for the guest's page until the server registers
 * them itself. Null for the other checkouts.
 */
export type Fulfilment =
  | { kind: "registered_by_server"; at: Date; linkRedeemedAt: Date | null }
  | { kind: "waiting_for_guest"; registersAt: Date }
  | null;

export function fulfilmentOf(basket: {
  consumedAt: Date | null;
  registeredBy: string | null;
  redeemedAt: Date | null;
  fulfilAt: Date | null;
}): Fulfilment {
  if (basket.consumedAt && basket.registeredBy === "server")
    return { kind: "registered_by_server", at: basket.consumedAt, linkRedeemedAt: basket.redeemedAt };
  if (!basket.consumedAt && basket.fulfilAt) return { kind: "waiting_for_guest", registersAt: basket.fulfilAt };
  return null;
}
