import "server-only";

import { getDb } from "@/lib/server/db";
import { checkoutStatusOf, checkoutStatusWhere, type CheckoutStatus } from "@/lib/server/staff/checkout-status";

export const CHECKOUTS_PAGE_SIZE = 20;

/** Recent guest checkouts of one business, newest first, optionally of one status, a page at a time. */
export async function listGuestCheckouts(input: { businessId: number; status?: CheckoutStatus; page?: number; now?: Date }) {
  const now = input.now ?? new Date();
  const page = Math.max(1, input.page ?? 1);
  const where = { businessId: input.businessId, ...(input.status ? checkoutStatusWhere(input.status, now) : {}) };
  const [total, baskets] = await Promise.all([
    getDb().basketSession.count({ where }),
    getDb().basketSession.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (page - 1) * CHECKOUTS_PAGE_SIZE,
      take: CHECKOUTS_PAGE_SIZE,
      select: {
        id: true,
        createdAt: true,
        guestFullName: true,
        guestEmail: true,
        completedAt: true,
        consumedAt: true,
        expiresAt: true,
        invoice: { select: { id: true, number: true, totalMinor: true, currency: true, customer: { select: { id: true, fullName: true } } } },
      },
    }),
  ]);
  return {
    page,
    pageCount: Math.max(1, Math.ceil(total / CHECKOUTS_PAGE_SIZE)),
    total,
    rows: baskets.map((basket) => ({ ...basket, status: checkoutStatusOf(basket, now) })),
  };
}
