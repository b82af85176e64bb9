import "server-only";

import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { checkoutStatusOf, fulfilmentOf } from "@/lib/server/staff/checkout-status";

/**
 * What a guest typed that the customer account of their invoice has otherwise: anyone may buy with anyone's address,
 * and linking changes nothing of the customer, so the invoice (what the buyer typed) may differ from the account.
 */
function detailsDifferingFromAccount(
  guest: { guestFullName: string; guestCompany: string | null; guestPhone: string | null },
  customer: { fullName: string; company: string | null; phone: string | null } | null | undefined,
): ("name" | "company" | "phone")[] {
  if (!customer) return [];
  const differs = (typed: string | null, kept: string | null) => (typed ?? "") !== (kept ?? "");
  return [
    ...(differs(guest.guestFullName, customer.fullName) ? (["name"] as const) : []),
    ...(differs(guest.guestCompany, customer.company) ? (["company"] as const) : []),
    ...(differs(guest.guestPhone, customer.phone) ? (["phone"] as const) : []),
  ];
}

/** One guest checkout of the staff member's business, with its invoice, customer and audit trail. */
export async function getGuestCheckoutOrThrow(input: { businessId: number; basketSessionId: number; now?: Date }) {
  const basket = await getDb().basketSession.findFirst({
    where: { id: input.basketSessionId, businessId: input.businessId },
    select: {
      id: true,
      createdAt: true,
      guestFullName: true,
      guestEmail: true,
      guestCompany: true,
      guestPhone: true,
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
          paidAt: true,
          paymentReference: true,
          customer: { select: { id: true, fullName: true, email: true, company: true, phone: true, createdAt: true } },
          payments: {
            orderBy: { id: "asc" },
            select: {
              id: true,
              provider: true,
              reference: true,
              status: true,
              amountMinor: true,
              currency: true,
              createdAt: true,
              completedAt: true,
              reconcileAt: true,
              refundDueAt: true,
            },
          },
        },
      },
      auditEvents: {
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          type: true,
          reason: true,
          actor: true,
          clientIp: true,
          detail: true,
          createdAt: true,
          customerId: true,
        },
      },
    },
  });
  if (!basket) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
  const registration = basket.auditEvents.find((event) => event.type === "registration.succeeded");
  const customerOutcome = registration?.detail
    ? ((JSON.parse(registration.detail) as { customer?: "created" | "linked" }).customer ?? null)
    : null;
  return {
    ...basket,
    status: checkoutStatusOf(basket, input.now ?? new Date()),
    fulfilment: fulfilmentOf(basket),
    customerOutcome,
    differsFromAccount: detailsDifferingFromAccount(basket, basket.invoice?.customer),
  };
}
