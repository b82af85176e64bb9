import "server-only";

import { z } from "zod";

import { getDb } from "@/lib/server/db";
import {
  CHECKOUT_STATUSES,
  checkoutStatusOf,
  checkoutStatusWhere,
  fulfilmentOf,
  type CheckoutStatus,
} from "@/lib/server/staff/checkout-status";

const CHECKOUTS_PAGE_SIZE = 20;
/** Far beyond any real list; keeps the offset a plain integer the database takes. */
const MAX_PAGE = 100_000;

/** The list's query string (`/staff?status=…&page=…`): a missing, repeated or bad value means all statuses, page 1. */
export const GuestCheckoutsQuerySchema = z.object({
  status: z.enum(CHECKOUT_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(MAX_PAGE).catch(1),
});

/** Recent guest checkouts of one business, newest first, optionally of one status, a page at a time. */
export async function listGuestCheckouts(input: {
  businessId: number;
  status?: CheckoutStatus;
  page?: number;
  now?: Date;
}) {
  const now = input.now ?? new Date();
  const page = input.page ?? 1;
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
        status: true,
        completedAt: true,
        consumedAt: true,
        registeredBy: true,
        redeemedAt: true,
        fulfilAt: true,
        expiresAt: true,
        invoice: {
          select: {
            id: true,
            number: true,
            totalMinor: true,
            currency: true,
            customer: { select: { id: true, fullName: true } },
          },
        },
      },
    }),
  ]);
  return {
    page,
    pageCount: Math.max(1, Math.ceil(total / CHECKOUTS_PAGE_SIZE)),
    total,
    rows: baskets.map((basket) => ({
      ...basket,
      status: checkoutStatusOf(basket, now),
      fulfilment: fulfilmentOf(basket),
    })),
  };
}
