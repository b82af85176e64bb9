import "server-only";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The customers' store: a business's customers, one per e-mail address (the unique index on business and e-mail
 * decides, even between instances), and their portal access, given by the checkout that first granted it.
 */

/** A customer made from a guest's checkout, with portal access from that checkout as of `now`. */
export interface NewCustomer {
  businessId: number;
  fullName: string;
  /** Normalized. */
  email: string;
  company: string | null;
  phone: string | null;
  locale: string;
  basketSessionId: number;
  now: Date;
}

const insertCustomer = prepare((p: Parameters<NewCustomer>) =>
  sqlBuilder
    .insertInto("Customer")
    .values({
      businessId: p.businessId,
      fullName: p.fullName,
      email: p.email,
      company: p.company,
      phone: p.phone,
      locale: p.locale,
      portalAccessGrantedAt: p.now,
      portalAccessBasketSessionId: p.basketSessionId,
      createdAt: p.now,
    })
    .onConflict((conflict) => conflict.columns(["businessId", "email"]).doNothing())
    .returning("id"),
);

/** Creates the customer; its id, or null when the business already has a customer of that e-mail. */
export function* createCustomer(customer: NewCustomer): SqlScript<number | null> {
  const [inserted] = yield* query(insertCustomer(customer));
  return inserted?.id ?? null;
}

const customerByEmail = prepare((p: Parameters<{ businessId: number; email: string }>) =>
  sqlBuilder.selectFrom("Customer").select("id").where("businessId", "=", p.businessId).where("email", "=", p.email),
);

/** The id of the business's customer of that (normalized) e-mail; null when it has none. */
export function* findCustomerIdByEmail(businessId: number, email: string): SqlScript<number | null> {
  const [found] = yield* query(customerByEmail({ businessId, email }));
  return found?.id ?? null;
}

const grantPortalAccessIfNone = prepare((p: Parameters<{ id: number; basketSessionId: number; now: Date }>) =>
  sqlBuilder
    .updateTable("Customer")
    .set((eb) => ({
      portalAccessBasketSessionId: eb
        .case()
        .when("portalAccessGrantedAt", "is", null)
        .then(p.basketSessionId)
        .else(eb.ref("portalAccessBasketSessionId"))
        .end(),
      portalAccessGrantedAt: eb.fn.coalesce("portalAccessGrantedAt", p.now),
    }))
    .where("id", "=", p.id),
);

/** Gives a customer that has no portal access access from this checkout, as of `now`; an earlier grant stays. */
export function* grantPortalAccess(customerId: number, basketSessionId: number, now: Date): SqlScript<void> {
  yield* execute(grantPortalAccessIfNone({ id: customerId, basketSessionId, now }));
}

const withdrawPortalAccessIfNoInvoice = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder
    .updateTable("Customer")
    .set({ portalAccessGrantedAt: null, portalAccessBasketSessionId: null })
    .where("id", "=", p.id)
    .where((eb) =>
      eb.not(eb.exists(eb.selectFrom("Invoice").select(eb.lit(1).as("one")).where("customerId", "=", p.id))),
    ),
);

/**
 * Withdraws a customer's portal access unless it has an invoice: access comes only with a purchase of its own
 * (whichever of its checkouts first gave it).
 */
export function* withdrawPortalAccessWithoutInvoice(customerId: number): SqlScript<void> {
  yield* execute(withdrawPortalAccessIfNoInvoice({ id: customerId }));
}

const accountOfLatestCheckout = prepare((p: Parameters<{ email: string }>) =>
  sqlBuilder
    .selectFrom("Customer as c")
    .leftJoin("Invoice as i", "i.customerId", "c.id")
    .select(["c.businessId", "c.locale"])
    .where("c.email", "=", p.email)
    .where("c.portalAccessGrantedAt", "is not", null)
    .orderBy((eb) => eb.fn.coalesce("i.id", eb.lit(0)), "desc")
    .orderBy("c.id", "desc")
    .limit(1),
);

/**
 * Of the customers with portal access of a (normalized) address, one in each business it bought from, the one of its
 * latest checkout (the invoice added last): its business and its language. Null when the address has none.
 */
export function* findCustomerOfLatestCheckout(email: string): SqlScript<{ businessId: number; locale: string } | null> {
  const [customer] = yield* query(accountOfLatestCheckout({ email }));
  return customer ?? null;
}
