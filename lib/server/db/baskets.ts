import "server-only";

import type { RawBuilder } from "kysely";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { query, type SqlScript } from "@/lib/server/db/script";

/** The basket sessions' store: the reads of a basket with its invoice, as the registration's checks need them. */

/** A basket session and its invoice. */
export interface BasketRow {
  id: number;
  businessId: number;
  guestFullName: string;
  guestEmail: string;
  guestCompany: string | null;
  guestPhone: string | null;
  /** The guest's language at checkout. */
  locale: string;
  /** pending_payment | declined | paid | registered */
  status: string;
  completedAt: Date | null;
  expiresAt: Date;
  consumedAt: Date | null;
  /** guest | server, once registered. */
  registeredBy: string | null;
  /** When a completion link was first answered with a token; null while the server's registration awaits its page. */
  redeemedAt: Date | null;
  consumedKeyHash: string | null;
  invoice: BasketInvoiceRow | null;
}

export interface BasketInvoiceRow {
  id: number;
  /** Null until the payment succeeds and the invoice is issued. */
  number: string | null;
  paidAt: Date | null;
  customerId: number | null;
}

/** The columns of a basket read: the basket session `b` and its invoice `i`. */
const BASKET_COLUMNS = [
  "b.id",
  "b.businessId",
  "b.guestFullName",
  "b.guestEmail",
  "b.guestCompany",
  "b.guestPhone",
  "b.locale",
  "b.status",
  "b.completedAt",
  "b.expiresAt",
  "b.consumedAt",
  "b.registeredBy",
  "b.redeemedAt",
  "b.consumedKeyHash",
  "i.id as invoiceId",
  "i.number as invoiceNumber",
  "i.paidAt as invoicePaidAt",
  "i.customerId as invoiceCustomerId",
] as const;

/**
 * The hottest read of the app, one statement: the basket session and its invoice, by the hash of one of its links'
 * tokens (an order may have several, all live).
 */
export function basketByTokenHashQuery(tokenHash: string | RawBuilder<string>) {
  return sqlBuilder
    .selectFrom("BasketToken as t")
    .innerJoin("BasketSession as b", "b.id", "t.basketSessionId")
    .leftJoin("Invoice as i", "i.id", "b.invoiceId")
    .select(BASKET_COLUMNS)
    .where("t.tokenHash", "=", tokenHash);
}

const basketByTokenHash = prepare((p: Parameters<{ tokenHash: string }>) => basketByTokenHashQuery(p.tokenHash));

const basketById = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder
    .selectFrom("BasketSession as b")
    .leftJoin("Invoice as i", "i.id", "b.invoiceId")
    .select(BASKET_COLUMNS)
    .where("b.id", "=", p.id),
);

/** The basket of a basket read's row, its invoice nested; null when there is no row. */
export function basketOfRow(row: BasketReadRow | undefined): BasketRow | null {
  if (!row) return null;
  const { invoiceId, invoiceNumber, invoicePaidAt, invoiceCustomerId, ...basket } = row;
  const invoice =
    invoiceId === null
      ? null
      : { id: invoiceId, number: invoiceNumber, paidAt: invoicePaidAt, customerId: invoiceCustomerId };
  return { ...basket, invoice };
}

/** A row of a basket read, its invoice's columns beside the basket's. */
export type BasketReadRow = Omit<BasketRow, "invoice"> & {
  invoiceId: number | null;
  invoiceNumber: string | null;
  invoicePaidAt: Date | null;
  invoiceCustomerId: number | null;
};

/** The basket session by the hash of one of its links' tokens. */
export function* findBasketByTokenHash(tokenHash: string): SqlScript<BasketRow | null> {
  const [row] = yield* query(basketByTokenHash({ tokenHash }));
  return basketOfRow(row);
}

/** The basket session by its id, for the server's own registration, which holds no link. */
export function* findBasketById(basketSessionId: number): SqlScript<BasketRow | null> {
  const [row] = yield* query(basketById({ id: basketSessionId }));
  return basketOfRow(row);
}
