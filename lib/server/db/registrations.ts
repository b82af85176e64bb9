import "server-only";

import { getConfig } from "@/lib/config";
import { type AuditEventInput, auditEventInsert, auditEventInsertFrom } from "@/lib/server/db/audit-events";
import type { BasketRow } from "@/lib/server/db/baskets";
import { createCustomer, findCustomerIdByEmail, grantPortalAccess, type NewCustomer } from "@/lib/server/db/customers";
import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { Prisma } from "@/lib/generated/sqlite/client";
import { linkInvoiceToCustomer } from "@/lib/server/db/invoices";
import { outboxInsert, registrationMailInsertFrom } from "@/lib/server/db/outbox";
import { execute, query, type SqlScript } from "@/lib/server/db/script";
import { bool, int } from "@/lib/server/db/columns";

/**
 * The registration's writes: the basket consumed by a conditional update (on what was read: still unconsumed), the
 * customer created or linked (unique per business and e-mail, so the index decides even between instances), the
 * invoice linked, its audit event and its e-mail. On PostgreSQL they are one statement of data-modifying CTEs (one
 * round trip, no BEGIN or COMMIT: `runOneWrite`); on SQLite separate statements of one transaction, in-process,
 * where a statement costs no round trip. Each answers null when another request consumed the basket first, and
 * then wrote nothing.
 */

/** How the basket is consumed: by whom, whether its link is redeemed at once, and the key kept for a replay. */
interface Consumption {
  registeredBy: "guest" | "server";
  redeemedAt: Date | null;
  consumedKeyHash: string | null;
}

/** One way or the other of a registration's outcome: the customer was created, or an existing one linked. */
type ByCustomer<T> = { created: T; linked: T };

export interface Registration {
  basket: BasketRow;
  invoiceId: number;
  consumption: Consumption;
  /** The customer's e-mail, normalized: with the business, what makes a customer. */
  email: string;
  now: Date;
  /** The audit event, but for its customer; its detail depends on whether the customer was created. */
  audit: Omit<AuditEventInput, "customerId" | "detail"> & { detail: ByCustomer<Record<string, string | boolean>> };
  /** The e-mail; its kind depends on whether the customer was created, its payload gets the customer's id. */
  mail: { kinds: ByCustomer<string>; recipient: string; businessId: number; payload: Record<string, unknown> };
}

type Registered = { customerId: number; created: boolean };

/** Consumes the basket and registers its guest as a customer; null when the basket was consumed first. */
export function registerCustomer(registration: Registration): SqlScript<Registered | null> {
  return getConfig().database.provider === "postgresql"
    ? registerInOneStatement(registration)
    : registerStatementByStatement(registration);
}

/** The first valid link after the server's registration: redeemed, with this request's key kept for a replay. */
interface Redemption {
  basketSessionId: number;
  redeemedAt: Date;
  consumedKeyHash: string | null;
  audit: AuditEventInput;
}

/** Redeems a basket the server registered and no link has answered since; false when another request did first. */
export function redeemBasket(redemption: Redemption): SqlScript<boolean> {
  return getConfig().database.provider === "postgresql"
    ? redeemInOneStatement(redemption)
    : redeemStatementByStatement(redemption);
}

const stopFulfilling = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder.updateTable("BasketSession").set({ fulfilAt: null }).where("id", "=", p.id),
);

/** The server stops looking at a basket it has nothing to register for. */
export function* stopFulfilment(basketSessionId: number): SqlScript<void> {
  yield* execute(stopFulfilling({ id: basketSessionId }));
}

// ---- SQLite: statement by statement ----

type ConsumeParameters = Consumption & { id: number; now: Date };

const consumeBasket = prepare((p: Parameters<ConsumeParameters>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({
      consumedAt: p.now,
      status: "registered",
      registeredBy: p.registeredBy,
      redeemedAt: p.redeemedAt,
      consumedKeyHash: p.consumedKeyHash,
      fulfilAt: null,
    })
    .where("id", "=", p.id)
    .where("consumedAt", "is", null),
);

/** The customer a registration creates: the guest of its checkout, with portal access from that checkout. */
function customerOf({ basket, email, now }: Registration): NewCustomer {
  return {
    businessId: basket.businessId,
    fullName: basket.guestFullName,
    email,
    company: basket.guestCompany,
    phone: basket.guestPhone,
    locale: basket.locale,
    basketSessionId: basket.id,
    now,
  };
}

function* registerStatementByStatement(registration: Registration): SqlScript<Registered | null> {
  const { basket, consumption, now, audit, mail } = registration;
  const consumed = yield* execute(consumeBasket({ ...consumption, id: basket.id, now }));
  if (consumed !== 1) return null;

  const insertedId = yield* createCustomer(customerOf(registration));
  const created = insertedId !== null;
  const customerId = insertedId ?? (yield* findCustomerIdByEmail(basket.businessId, registration.email));
  if (customerId === null) throw new Error(`customer of basket ${basket.id} neither created nor found`);
  if (!created) yield* grantPortalAccess(customerId, basket.id, now);

  yield* linkInvoiceToCustomer(registration.invoiceId, customerId);
  const outcome = created ? "created" : "linked";
  yield* execute(auditEventInsert({ ...audit, customerId, detail: audit.detail[outcome] }));
  yield* execute(
    outboxInsert({
      kind: mail.kinds[outcome],
      recipient: mail.recipient,
      businessId: mail.businessId,
      payload: JSON.stringify({ ...mail.payload, customerId }),
    }),
  );
  return { customerId, created };
}

const redeemLink = prepare((p: Parameters<{ id: number; redeemedAt: Date; consumedKeyHash: string | null }>) =>
  sqlBuilder
    .updateTable("BasketSession")
    .set({ redeemedAt: p.redeemedAt, consumedKeyHash: p.consumedKeyHash })
    .where("id", "=", p.id)
    .where("consumedAt", "is not", null)
    .where("redeemedAt", "is", null),
);

function* redeemStatementByStatement(redemption: Redemption): SqlScript<boolean> {
  const { basketSessionId: id, redeemedAt, consumedKeyHash } = redemption;
  const redeemed = yield* execute(redeemLink({ id, redeemedAt, consumedKeyHash }));
  if (redeemed !== 1) return false;
  yield* execute(auditEventInsert(redemption.audit));
  return true;
}

// ---- PostgreSQL: one statement ----

/**
 * Each CTE reads the rows of the one before, so when the basket was consumed first by another request nothing at
 * all is written, and the statement returns no row. The customer is created, or linked with portal access granted
 * when it had none, by one INSERT … ON CONFLICT DO UPDATE; `xmax = 0` tells a row it inserted from one it updated.
 * Data-modifying CTEs are PostgreSQL's own; Kysely's builder cannot say `xmax`, so this one is a template.
 */
function* registerInOneStatement(registration: Registration): SqlScript<Registered | null> {
  const { basket, consumption, now, audit, mail } = registration;
  const v = customerOf(registration);
  const customerRow = Prisma.sql`"registered"`;
  const [registered] = yield* query(
    Prisma.sql`
    WITH "consumed" AS (
      UPDATE "BasketSession" SET "consumedAt" = ${now}, "status" = 'registered', "registeredBy" = ${consumption.registeredBy},
        "redeemedAt" = ${consumption.redeemedAt}, "consumedKeyHash" = ${consumption.consumedKeyHash}, "fulfilAt" = NULL
      WHERE "id" = ${basket.id} AND "consumedAt" IS NULL
      RETURNING "id"
    ), "registered" AS (
      INSERT INTO "Customer" ("businessId", "fullName", "email", "company", "phone", "locale", "portalAccessGrantedAt", "portalAccessBasketSessionId", "createdAt")
      SELECT ${v.businessId}, ${v.fullName}, ${v.email}, ${v.company}, ${v.phone}, ${v.locale}, ${now}, ${v.basketSessionId}, ${now} FROM "consumed"
      ON CONFLICT ("businessId", "email") DO UPDATE SET
        "portalAccessGrantedAt" = COALESCE("Customer"."portalAccessGrantedAt", excluded."portalAccessGrantedAt"),
        "portalAccessBasketSessionId" = CASE WHEN "Customer"."portalAccessGrantedAt" IS NULL
          THEN excluded."portalAccessBasketSessionId" ELSE "Customer"."portalAccessBasketSessionId" END
      RETURNING "id", (xmax = 0) AS "created"
    ), "linked" AS (
      UPDATE "Invoice" SET "customerId" = r."id" FROM "registered" r WHERE "Invoice"."id" = ${registration.invoiceId}
    ), "audited" AS (
      ${auditEventInsertFrom(customerRow, {
        ...audit,
        customerId: Prisma.sql`"registered"."id"`,
        detail: Prisma.sql`CASE WHEN "registered"."created" THEN ${JSON.stringify(audit.detail.created)} ELSE ${JSON.stringify(audit.detail.linked)} END`,
      })}
    ), "mailed" AS (
      ${registrationMailInsertFrom(customerRow, {
        kinds: mail.kinds,
        recipient: mail.recipient,
        businessId: mail.businessId,
        payload: JSON.stringify({ ...mail.payload, customerId: 0 }),
      })}
    )
    SELECT "id", "created" FROM "registered"`,
    { id: int, created: bool },
  );
  return registered ? { customerId: registered.id, created: registered.created } : null;
}

/** The audit event is written only when the link was redeemed. */
function* redeemInOneStatement(redemption: Redemption): SqlScript<boolean> {
  const { basketSessionId, redeemedAt, consumedKeyHash } = redemption;
  const [redeemed] = yield* query(
    Prisma.sql`
    WITH "redeemed" AS (
      UPDATE "BasketSession" SET "redeemedAt" = ${redeemedAt}, "consumedKeyHash" = ${consumedKeyHash}
      WHERE "id" = ${basketSessionId} AND "consumedAt" IS NOT NULL AND "redeemedAt" IS NULL
      RETURNING "id"
    ), "audited" AS (
      ${auditEventInsertFrom(Prisma.sql`"redeemed"`, redemption.audit)}
    )
    SELECT "id" FROM "redeemed"`,
    { id: int },
  );
  return redeemed !== undefined;
}
