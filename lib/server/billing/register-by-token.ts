import "server-only";

import { getConfig } from "@/lib/config";
import { auditEventInsert, auditEventInsertFrom, type AuditEventExpressions } from "@/lib/server/audit";
import {
  basketOf,
  basketQuery,
  basketQueryColumns,
  basketTokenHash,
  evaluateFulfilment,
  evaluateRegistration,
  idempotencyKeyHash,
  type EvaluatedBasket,
  type IssuedInvoice,
  type RegistrationRequest,
} from "@/lib/server/billing/evaluate-registration";
import type { DatabaseProvider } from "@/lib/config";
import { execute, Prisma, query, runOneWrite, type SqlScript } from "@/lib/server/db";
import { bool, int } from "@/lib/server/db/columns";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { mailInsert, registrationMailInsertFrom } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import {
  chargeMalformedRegistration,
  chargeRegistrationAndRead,
  chargeRegistrationRefusal,
} from "@/lib/server/rate-limit";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * docs/contract.md §3.1: turns the guest of a paid basket session into a customer of the business, once, and returns
 * a token for that one invoice. The rate limits are charged first, with the read of the basket, never inside the
 * transaction they guard (rate-limit.ts); then one transaction script checks the basket and acts. Races end with
 * one winner because the basket is consumed by a conditional update (on what was read: still unconsumed, still
 * this token) and the customer is unique per (business, e-mail).
 *
 * On PostgreSQL the charge with the read is one statement, and the script's one write is one statement
 * (`runOneWrite`): consuming the basket, creating or linking the customer, linking the invoice, the audit event
 * and the e-mail are CTEs of a single statement. A registration is two round trips where a transaction of single
 * statements took ten. SQLite runs the same changes as separate statements of one transaction, in-process, where
 * a statement costs no round trip.
 */

export interface RegisterByTokenInput extends RegistrationRequest {
  clientIp: string;
  now?: Date;
}

export type Outcome =
  | { kind: "refused"; code: ErrorCode; basketFound: boolean }
  | {
      kind: "registered";
      invoiceId: number;
      customerId: number;
      customer: "created" | "linked";
      basketSessionId: number;
    }
  | { kind: "replayed" | "redeemed"; invoiceId: number; customerId: number };

/** Who registers a guest: their completion page (with what its request carried), or the server on its own. */
type Registrant = { by: "guest"; clientIp: string; idempotencyKey: string | null } | { by: "server" };

const idColumn = { id: int };

/** Thrown inside the script when another request consumed the basket first; rolls the attempt back. */
class BasketConsumedConcurrently extends Error {}

/** A retry follows a lost race for the basket; the next attempt sees the winner's commit, so two suffice. */
const MAX_ATTEMPTS = 3;

export async function registerByToken(input: RegisterByTokenInput): Promise<{ token: string }> {
  const now = input.now ?? new Date();
  const tokenHash = basketTokenHash(input.token);
  // Priced by rate-limit.ts: a point per attempt, and a refusal's extra (at once when the refusal is sure).
  if (!tokenHash) {
    await chargeMalformedRegistration(input.clientIp, now);
    throw new AppError("basket_token_invalid");
  }
  const keys = { clientIp: input.clientIp, tokenHash };
  const read = {
    basket: basketOf(await chargeRegistrationAndRead(keys, now, basketQuery(tokenHash), basketQueryColumns)),
  };

  const { provider } = getConfig().database;
  const outcome = await runWithRetry((attempt) =>
    registrationScript(input, provider, now, attempt === 1 ? read : undefined),
  );
  if (outcome.kind === "refused") {
    await chargeRegistrationRefusal(keys, outcome, now);
    throw new AppError(
      outcome.code,
      outcome.code === "payment_pending" ? { retryAfterSeconds: getConfig().paymentPendingRetryAfterSeconds } : {},
    );
  }
  if (outcome.kind === "registered") {
    kickMailWorker();
    logger.info("registration succeeded", {
      basketSessionId: outcome.basketSessionId,
      invoiceId: outcome.invoiceId,
      customerId: outcome.customerId,
      customer: outcome.customer,
    });
  }
  return { token: await mintInvoiceToken({ invoiceId: outcome.invoiceId, customerId: outcome.customerId, now }) };
}

/** Runs the script until it does not lose the race for the basket; a retry reads the basket again. */
async function runWithRetry<T>(script: (attempt: number) => SqlScript<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runOneWrite(() => script(attempt));
    } catch (error) {
      // Lost the race for the basket: the next attempt answers "used", or replays when the winner carried this
      // request's Idempotency-Key.
      if (!(error instanceof BasketConsumedConcurrently) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/**
 * The checks, then one write: an audit event for a refusal or a replay, the registration itself otherwise.
 * Exported for the benchmark's database floor, which sends the same statements through `pg` directly.
 */
export function* registrationScript(
  input: RegisterByTokenInput,
  provider: DatabaseProvider,
  now: Date,
  read?: { basket: EvaluatedBasket | null },
): SqlScript<Outcome> {
  const decision = yield* evaluateRegistration(input, now, read);
  switch (decision.kind) {
    case "refuse":
      // Garbage tokens are not audited, so they cannot fill the table; the rate limit answers them.
      if (decision.basket) yield* execute(refusalAudit(decision.code, decision.basket, input.clientIp));
      return { kind: "refused", code: decision.code, basketFound: decision.basket !== null };
    case "replay":
      yield* execute(
        auditEventInsert({
          type: "registration.replayed",
          actor: "guest",
          basketSessionId: decision.basket.id,
          invoiceId: decision.invoice.id,
          customerId: decision.invoice.customerId,
          clientIp: input.clientIp,
        }),
      );
      return { kind: "replayed", invoiceId: decision.invoice.id, customerId: decision.invoice.customerId };
    case "redeem":
      yield* (provider === "postgresql" ? redeemInOneStatement : redeem)(decision.basket, input, now);
      return { kind: "redeemed", invoiceId: decision.invoice.id, customerId: decision.invoice.customerId };
    case "register": {
      const registrant: Registrant = { by: "guest", clientIp: input.clientIp, idempotencyKey: input.idempotencyKey };
      const registered = yield* (provider === "postgresql" ? registerInOneStatement : register)(
        decision.basket,
        decision.invoice,
        registrant,
        now,
      );
      return { kind: "registered", invoiceId: decision.invoice.id, basketSessionId: decision.basket.id, ...registered };
    }
  }
}

/**
 * docs/contract.md §3.7: the server registers the guest of a paid checkout that no completion page registered in
 * time, with the endpoint's own transaction — the customer created or linked, portal access, the audit event and the
 * account e-mail — except that no link is used up: the first valid link afterwards still gets its token. Exactly
 * once, across instances: the consuming update is conditional, like the endpoint's. Answers what happened, or null
 * when there was nothing to do (a page or another instance registered it first).
 */
export async function registerPaidCheckoutByServer(
  basketSessionId: number,
  now = new Date(),
): Promise<Registered | null> {
  const { provider } = getConfig().database;
  const registered = await runWithRetry(() =>
    (function* (): SqlScript<Registered | null> {
      const decision = yield* evaluateFulfilment(basketSessionId);
      if (decision.kind === "skip") {
        // Nothing to register: stop looking at it.
        yield* execute(Prisma.sql`UPDATE "BasketSession" SET "fulfilAt" = NULL WHERE "id" = ${basketSessionId}`);
        return null;
      }
      return yield* (provider === "postgresql" ? registerInOneStatement : register)(
        decision.basket,
        decision.invoice,
        { by: "server" },
        now,
      );
    })(),
  );
  if (registered) {
    kickMailWorker();
    logger.info("registration by the server succeeded", {
      basketSessionId,
      customerId: registered.customerId,
      customer: registered.customer,
    });
  }
  return registered;
}

function refusalAudit(code: ErrorCode, basket: EvaluatedBasket, clientIp: string) {
  return auditEventInsert({
    type: "registration.refused",
    actor: "guest",
    reason: code,
    basketSessionId: basket.id,
    invoiceId: basket.invoice?.id,
    clientIp,
  });
}

export type Registered = { customerId: number; customer: "created" | "linked" };

/** What the registration writes, as separate statements (SQLite, where they cost no round trip). */
function* register(
  basket: EvaluatedBasket,
  invoice: IssuedInvoice,
  registrant: Registrant,
  now: Date,
): SqlScript<Registered> {
  const consumed = yield* execute(
    Prisma.sql`UPDATE "BasketSession" SET ${consumption(registrant, now)} WHERE ${consumable(basket)}`,
  );
  if (consumed !== 1) throw new BasketConsumedConcurrently();

  // One customer per (business, normalized e-mail): the unique index decides, even between instances. A new
  // customer gets portal access from this basket; an existing one is linked and never changed (the guest only
  // proved they paid, not who they are: anyone may buy with anyone's address), its language included, except for
  // portal access when it had none (an earlier grant stays).
  const email = normalizeEmail(basket.guestEmail);
  const inserted = yield* query(
    Prisma.sql`
    INSERT INTO "Customer" (${CUSTOMER_COLUMNS}) VALUES (${customerValues(basket, email, now)})
    ON CONFLICT ("businessId", "email") DO NOTHING
    RETURNING "id"`,
    idColumn,
  );
  const created = inserted.length === 1;
  const [found] = created
    ? inserted
    : yield* query(
        Prisma.sql`SELECT "id" FROM "Customer" WHERE "businessId" = ${basket.businessId} AND "email" = ${email}`,
        idColumn,
      );
  if (!found) throw new Error(`customer of basket ${basket.id} neither created nor found`);
  const customerId = found.id;
  if (!created) {
    yield* execute(Prisma.sql`
      UPDATE "Customer" SET "portalAccessGrantedAt" = COALESCE("portalAccessGrantedAt", ${now}),
        "portalAccessBasketSessionId" = CASE WHEN "portalAccessGrantedAt" IS NULL THEN ${basket.id} ELSE "portalAccessBasketSessionId" END
      WHERE "id" = ${customerId}`);
  }

  yield* execute(Prisma.sql`UPDATE "Invoice" SET "customerId" = ${customerId} WHERE "id" = ${invoice.id}`);
  const customer = created ? "created" : "linked";
  yield* execute(
    auditEventInsert(
      succeededAudit(basket, invoice, registrant, { customerId, detail: succeededDetail(customer, registrant) }),
    ),
  );
  yield* execute(
    mailInsert({
      kind: created ? "registration.new_customer" : "registration.existing_customer",
      recipient: email,
      payload: { ...mailPayload(basket, invoice), customerId },
    }),
  );
  return { customerId, customer };
}

/**
 * The same changes as one statement (PostgreSQL): each CTE reads the rows of the one before, so when the basket
 * was consumed first by another request nothing at all is written, and the statement returns no row. The
 * customer is created, or linked with portal access granted when it had none, by one INSERT … ON CONFLICT DO
 * UPDATE; `xmax = 0` tells a row it inserted from one it updated.
 */
function* registerInOneStatement(
  basket: EvaluatedBasket,
  invoice: IssuedInvoice,
  registrant: Registrant,
  now: Date,
): SqlScript<Registered> {
  const email = normalizeEmail(basket.guestEmail);
  const customerRow = Prisma.sql`"registered"`;
  const [registered] = yield* query(
    Prisma.sql`
    WITH "consumed" AS (
      UPDATE "BasketSession" SET ${consumption(registrant, now)}
      WHERE ${consumable(basket)}
      RETURNING "id"
    ), "registered" AS (
      INSERT INTO "Customer" (${CUSTOMER_COLUMNS}) SELECT ${customerValues(basket, email, now)} FROM "consumed"
      ON CONFLICT ("businessId", "email") DO UPDATE SET
        "portalAccessGrantedAt" = COALESCE("Customer"."portalAccessGrantedAt", excluded."portalAccessGrantedAt"),
        "portalAccessBasketSessionId" = CASE WHEN "Customer"."portalAccessGrantedAt" IS NULL
          THEN excluded."portalAccessBasketSessionId" ELSE "Customer"."portalAccessBasketSessionId" END
      RETURNING "id", (xmax = 0) AS "created"
    ), "linked" AS (
      UPDATE "Invoice" SET "customerId" = r."id" FROM "registered" r WHERE "Invoice"."id" = ${invoice.id}
    ), "audited" AS (
      ${auditEventInsertFrom(
        customerRow,
        succeededAudit(basket, invoice, registrant, {
          customerId: Prisma.sql`"registered"."id"`,
          detail: Prisma.sql`CASE WHEN "registered"."created" THEN ${JSON.stringify(succeededDetail("created", registrant))} ELSE ${JSON.stringify(succeededDetail("linked", registrant))} END`,
        }),
      )}
    ), "mailed" AS (
      ${registrationMailInsertFrom(customerRow, { recipient: email, payload: mailPayload(basket, invoice) })}
    )
    SELECT "id", "created" FROM "registered"`,
    { id: int, created: bool },
  );
  if (!registered) throw new BasketConsumedConcurrently();
  return { customerId: registered.id, customer: registered.created ? "created" : "linked" };
}

/** The basket as it was read, still unconsumed: the guard of the consuming UPDATE. */
function consumable(basket: EvaluatedBasket): Prisma.Sql {
  return Prisma.sql`"id" = ${basket.id} AND "consumedAt" IS NULL`;
}

/**
 * What consuming the basket sets. A page's registration redeems its link at once (and keeps its Idempotency-Key for a
 * replay); the server's leaves the link to be redeemed by the first valid call.
 */
function consumption(registrant: Registrant, now: Date): Prisma.Sql {
  const redeemed = registrant.by === "guest" ? now : null;
  return Prisma.sql`"consumedAt" = ${now}, "status" = 'registered', "registeredBy" = ${registrant.by}, "redeemedAt" = ${redeemed},
    "consumedKeyHash" = ${registrant.by === "guest" ? keyHashOf(registrant.idempotencyKey) : null}, "fulfilAt" = NULL`;
}

function keyHashOf(idempotencyKey: string | null): string | null {
  return idempotencyKey === null ? null : idempotencyKeyHash(idempotencyKey);
}

/** The guard of a redemption: registered by the server, and no link answered since. */
function redeemable(basket: EvaluatedBasket): Prisma.Sql {
  return Prisma.sql`"id" = ${basket.id} AND "consumedAt" IS NOT NULL AND "redeemedAt" IS NULL`;
}

function redeemedAudit(basket: EvaluatedBasket, input: RegisterByTokenInput) {
  return {
    type: "registration.redeemed",
    actor: "guest",
    basketSessionId: basket.id,
    invoiceId: basket.invoice?.id,
    customerId: basket.invoice?.customerId ?? undefined,
    clientIp: input.clientIp,
  } as const;
}

/** The first valid link after the server's registration: redeemed, with this request's key kept for a replay (SQLite). */
function* redeem(basket: EvaluatedBasket, input: RegisterByTokenInput, now: Date): SqlScript<void> {
  const redeemed = yield* execute(Prisma.sql`
    UPDATE "BasketSession" SET "redeemedAt" = ${now}, "consumedKeyHash" = ${keyHashOf(input.idempotencyKey)} WHERE ${redeemable(basket)}`);
  if (redeemed !== 1) throw new BasketConsumedConcurrently();
  yield* execute(auditEventInsert(redeemedAudit(basket, input)));
}

/** The same as one statement (PostgreSQL): the audit event is written only when the link was redeemed. */
function* redeemInOneStatement(basket: EvaluatedBasket, input: RegisterByTokenInput, now: Date): SqlScript<void> {
  const [redeemed] = yield* query(
    Prisma.sql`
    WITH "redeemed" AS (
      UPDATE "BasketSession" SET "redeemedAt" = ${now}, "consumedKeyHash" = ${keyHashOf(input.idempotencyKey)} WHERE ${redeemable(basket)}
      RETURNING "id"
    ), "audited" AS (
      ${auditEventInsertFrom(Prisma.sql`"redeemed"`, redeemedAudit(basket, input))}
    )
    SELECT "id" FROM "redeemed"`,
    idColumn,
  );
  if (!redeemed) throw new BasketConsumedConcurrently();
}

const CUSTOMER_COLUMNS = Prisma.sql`"businessId", "fullName", "email", "company", "phone", "locale", "portalAccessGrantedAt", "portalAccessBasketSessionId", "createdAt"`;

function customerValues(basket: EvaluatedBasket, email: string, now: Date): Prisma.Sql {
  return Prisma.sql`${basket.businessId}, ${basket.guestFullName}, ${email}, ${basket.guestCompany}, ${basket.guestPhone}, ${basket.locale}, ${now}, ${basket.id}, ${now}`;
}

/** The success's audit event; its customer is a value (SQLite) or an expression over the statement's rows (PostgreSQL). */
function succeededAudit<Customer extends Pick<AuditEventExpressions, "customerId" | "detail">>(
  basket: EvaluatedBasket,
  invoice: IssuedInvoice,
  registrant: Registrant,
  customer: Customer,
) {
  return {
    type: "registration.succeeded",
    actor: registrant.by === "guest" ? "guest" : "system",
    clientIp: registrant.by === "guest" ? registrant.clientIp : undefined,
    basketSessionId: basket.id,
    invoiceId: invoice.id,
    ...customer,
  } as const;
}

function succeededDetail(customer: "created" | "linked", registrant: Registrant): Record<string, string | boolean> {
  return registrant.by === "guest"
    ? { customer, by: "guest", idempotencyKey: registrant.idempotencyKey !== null }
    : { customer, by: "server" };
}

/** The registration e-mail's payload: it is written in the language of the checkout. */
function mailPayload(basket: EvaluatedBasket, invoice: IssuedInvoice) {
  return { businessId: basket.businessId, invoiceId: invoice.id, invoiceNumber: invoice.number, locale: basket.locale };
}
