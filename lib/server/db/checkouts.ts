import "server-only";

import { built, type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import { localizedProducts } from "@/lib/server/db/products";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The checkouts' store: a guest's order as a basket session with its lines and its completion links (only each
 * link's token hash is stored), what it is priced from (the business's products and currency), and the basket's
 * moves with its payment: paid, declined and reopened for another attempt, and registered by the server when no
 * completion page did.
 */

/** A product the business sells now, as a basket line is priced from it: named in the language asked for. */
export interface SellableProduct {
  id: number;
  name: string;
  unitPriceMinor: number;
  taxRateBp: number;
}

/**
 * Those of `productIds` that the business sells (its own, active), each named in `locale` where the business gives
 * a translation (products.ts), by its own name otherwise.
 */
export function findSellableProducts(
  businessId: number,
  productIds: readonly number[],
  locale: string,
): SqlScript<SellableProduct[]> {
  return query(
    built(
      localizedProducts(locale)
        .select(["p.id", "p.unitPriceMinor", "p.taxRateBp"])
        .where("p.businessId", "=", businessId)
        .where("p.active", "=", true)
        .where("p.id", "in", productIds),
    ),
  );
}

const checkoutTermsOfBusiness = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder.selectFrom("Business").select(["currency", "locale", "invoiceLanguage"]).where("id", "=", p.id),
);

/**
 * The currency a business charges in, its locale and the language of its invoices' labels ("customer" or
 * "business"); null when there is no such business.
 */
export function* findBusinessCheckoutTerms(
  businessId: number,
): SqlScript<{ currency: string; locale: string; invoiceLanguage: string } | null> {
  const [business] = yield* query(checkoutTermsOfBusiness({ id: businessId }));
  return business ?? null;
}

export interface NewBasketSession {
  /** The checkout form's key for this order, when it came from the form. */
  orderKey: string | null;
  businessId: number;
  locale: string;
  guestFullName: string;
  guestEmail: string;
  guestCompany: string | null;
  guestPhone: string | null;
  billingLine1: string | null;
  billingLine2: string | null;
  billingCity: string | null;
  billingPostalCode: string | null;
  billingCountry: string | null;
  expiresAt: Date;
  invoiceId: number;
  createdAt: Date;
}

const insertBasketSession = prepare((p: Parameters<NewBasketSession>) =>
  sqlBuilder
    .insertInto("BasketSession")
    .values({
      orderKey: p.orderKey,
      businessId: p.businessId,
      status: sql.lit("pending_payment"),
      locale: p.locale,
      guestFullName: p.guestFullName,
      guestEmail: p.guestEmail,
      guestCompany: p.guestCompany,
      guestPhone: p.guestPhone,
      billingLine1: p.billingLine1,
      billingLine2: p.billingLine2,
      billingCity: p.billingCity,
      billingPostalCode: p.billingPostalCode,
      billingCountry: p.billingCountry,
      expiresAt: p.expiresAt,
      invoiceId: p.invoiceId,
      createdAt: p.createdAt,
    })
    .returning("id"),
);

/** Adds a basket session awaiting its payment (pending_payment); answers its id. */
export function* addBasketSession(basket: NewBasketSession): SqlScript<number> {
  const [row] = yield* query(insertBasketSession(basket));
  if (!row) throw new Error("the basket session INSERT returned no row");
  return row.id;
}

const insertBasketToken = prepare((p: Parameters<{ tokenHash: string; basketSessionId: number; createdAt: Date }>) =>
  sqlBuilder
    .insertInto("BasketToken")
    .values({ tokenHash: p.tokenHash, basketSessionId: p.basketSessionId, createdAt: p.createdAt }),
);

/** Adds a completion link to a basket session, by its token's hash. */
export function* addBasketToken(tokenHash: string, basketSessionId: number, createdAt: Date): SqlScript<void> {
  yield* execute(insertBasketToken({ tokenHash, basketSessionId, createdAt }));
}

const insertTokenOfUnredeemed = prepare(
  (p: Parameters<{ tokenHash: string; basketSessionId: number; createdAt: Date }>) =>
    sqlBuilder
      .insertInto("BasketToken")
      .columns(["tokenHash", "basketSessionId", "createdAt"])
      .expression((eb) =>
        eb
          .selectFrom("BasketSession")
          .select([p.tokenHash.as("tokenHash"), "id", p.createdAt.as("createdAt")])
          .where("id", "=", p.basketSessionId)
          .where("redeemedAt", "is", null),
      ),
);

/**
 * Adds a completion link to a basket session whose links no request has redeemed yet; answers 1 if it was added, 0
 * when the order is complete (or there is no such basket).
 */
export function addBasketTokenUnlessRedeemed(
  tokenHash: string,
  basketSessionId: number,
  createdAt: Date,
): SqlScript<number> {
  return execute(insertTokenOfUnredeemed({ tokenHash, basketSessionId, createdAt }));
}

export interface NewBasketLine {
  productId: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
}

/** Adds a basket session's lines, in one statement. */
export function* addBasketLines(basketSessionId: number, lines: readonly NewBasketLine[]): SqlScript<void> {
  yield* execute(
    built(
      sqlBuilder.insertInto("BasketLine").values(
        lines.map((line) => ({
          basketSessionId,
          productId: line.productId,
          description: line.description,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
          taxRateBp: line.taxRateBp,
        })),
      ),
    ),
  );
}

const updateLocale = prepare((p: Parameters<{ id: number; locale: string }>) =>
  sqlBuilder.updateTable("BasketSession").set({ locale: p.locale }).where("id", "=", p.id),
);

/** The guest's language, for their registration e-mail. */
export function* setBasketLocale(basketSessionId: number, locale: string): SqlScript<void> {
  yield* execute(updateLocale({ id: basketSessionId, locale }));
}

const declinedToPending = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({ status: sql.lit("pending_payment") })
    .where("id", "=", p.id)
    .where("status", "=", sql.lit("declined")),
);

/** Reopens a declined checkout for a next payment attempt; answers 1 if this call reopened it, 0 if it was not declined. */
export function reopenDeclinedBasket(basketSessionId: number): SqlScript<number> {
  return execute(declinedToPending({ id: basketSessionId }));
}

const paidBasket = prepare((p: Parameters<{ invoiceId: number; now: Date; expiresAt: Date; fulfilAt: Date }>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({ status: sql.lit("paid"), completedAt: p.now, expiresAt: p.expiresAt, fulfilAt: p.fulfilAt })
    .where("invoiceId", "=", p.invoiceId)
    .returning(["id", "guestEmail", "locale", "businessId"]),
);

/**
 * The checkout of the invoice is paid: completed now, its link expiring at `expiresAt`, and registered by the server
 * at `fulfilAt` if no completion page did it first. Answers the basket; null when the invoice has none.
 */
export function* markBasketPaid(paid: {
  invoiceId: number;
  now: Date;
  expiresAt: Date;
  fulfilAt: Date;
}): SqlScript<{ id: number; guestEmail: string; locale: string; businessId: number } | null> {
  const [basket] = yield* query(paidBasket(paid));
  return basket ?? null;
}

const declinedBasket = prepare((p: Parameters<{ invoiceId: number }>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({ status: sql.lit("declined") })
    .where("invoiceId", "=", p.invoiceId)
    .where("completedAt", "is", null)
    .returning("id"),
);

/** The checkout of the invoice, not completed, is declined until its next attempt; answers its id, null if none. */
export function* markBasketDeclined(invoiceId: number): SqlScript<number | null> {
  const [basket] = yield* query(declinedBasket({ invoiceId }));
  return basket?.id ?? null;
}

const dueForFulfilment = prepare((p: Parameters<{ now: Date; limit: number }>) =>
  sqlBuilder
    .selectFrom("BasketSession")
    .select("id")
    .where("fulfilAt", "<=", p.now)
    .where("consumedAt", "is", null)
    .orderBy("fulfilAt")
    .limit(p.limit),
);

/** Up to `limit` paid checkouts, still unregistered, whose time for the server's registration has come, first due first. */
export function* basketsDueForFulfilment(now: Date, limit: number): SqlScript<number[]> {
  const due = yield* query(dueForFulfilment({ now, limit }));
  return due.map((row) => row.id);
}

const fulfilLater = prepare((p: Parameters<{ id: number; fulfilAt: Date }>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({ fulfilAt: p.fulfilAt })
    .where("id", "=", p.id)
    .where("consumedAt", "is", null),
);

/** The server's registration of a basket still unregistered is tried again at `fulfilAt`. */
export function* postponeFulfilment(basketSessionId: number, fulfilAt: Date): SqlScript<void> {
  yield* execute(fulfilLater({ id: basketSessionId, fulfilAt }));
}
