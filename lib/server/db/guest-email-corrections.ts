import "server-only";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The statements of staff's correction of a guest's mistyped address (docs/contract.md §3.5) that no other
 * operation has: the checkout read within its business, the address rewritten on the checkout and its invoice,
 * and the invoice moved to another customer. The customers it creates, links and leaves are the customers' store's.
 */

/** A checkout as the correction reads it: the guest's details, and its invoice's (all null when it has none). */
interface CorrectableCheckout {
  id: number;
  guestEmail: string;
  guestFullName: string;
  guestCompany: string | null;
  guestPhone: string | null;
  locale: string;
  consumedAt: Date | null;
  invoiceId: number | null;
  invoiceNumber: string | null;
  paidAt: Date | null;
  customerId: number | null;
}

const checkoutOfBusiness = prepare((p: Parameters<{ id: number; businessId: number }>) =>
  sqlBuilder
    .selectFrom("BasketSession as b")
    .leftJoin("Invoice as i", "i.id", "b.invoiceId")
    .select([
      "b.id",
      "b.guestEmail",
      "b.guestFullName",
      "b.guestCompany",
      "b.guestPhone",
      "b.locale",
      "b.consumedAt",
      "i.id as invoiceId",
      "i.number as invoiceNumber",
      "i.paidAt",
      "i.customerId",
    ])
    .where("b.id", "=", p.id)
    .where("b.businessId", "=", p.businessId),
);

/** The business's checkout of that id with its invoice; null when the business has none (another's is not found). */
export function* findCorrectableCheckout(
  businessId: number,
  basketSessionId: number,
): SqlScript<CorrectableCheckout | null> {
  const [checkout] = yield* query(checkoutOfBusiness({ id: basketSessionId, businessId }));
  return checkout ?? null;
}

const readdressBasket = prepare((p: Parameters<{ id: number; email: string }>) =>
  sqlBuilder.updateTable("BasketSession").set({ guestEmail: p.email }).where("id", "=", p.id),
);

const readdressInvoice = prepare((p: Parameters<{ id: number; email: string }>) =>
  sqlBuilder.updateTable("Invoice").set({ billedToEmail: p.email }).where("id", "=", p.id),
);

/** The checkout, then its invoice if it has one, take the new address. */
export function* readdressCheckout(checkout: { id: number; invoiceId: number | null }, email: string): SqlScript<void> {
  yield* execute(readdressBasket({ id: checkout.id, email }));
  if (checkout.invoiceId !== null) yield* execute(readdressInvoice({ id: checkout.invoiceId, email }));
}
