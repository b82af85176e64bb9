import "server-only";

import { getConfig } from "@/lib/config";
import { auditEventInsert } from "@/lib/server/audit";
import {
  basketTokenHash,
  evaluateRegistration,
  idempotencyKeyHash,
  type EvaluatedBasket,
  type IssuedInvoice,
  type RegistrationRequest,
} from "@/lib/server/billing/evaluate-registration";
import { execute, Prisma, query, runTransaction, type SqlScript } from "@/lib/server/db";
import { int } from "@/lib/server/db/columns";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { mailInsert } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { charge, rateLimited, registrationCharges, type Charge } from "@/lib/server/rate-limit";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * docs/contract.md §3.1: turns the guest of a paid basket session into a customer of the business, once, and returns
 * a token for that one invoice. The rate limit, the checks and the change are one transaction script; races
 * end with one winner because the basket is consumed by a conditional update and the customer is unique per
 * (business, e-mail).
 */

export interface RegisterByTokenInput extends RegistrationRequest {
  clientIp: string;
  now?: Date;
}

type Outcome =
  | { kind: "rate_limited"; retryAfterMs: number }
  | { kind: "refused"; code: ErrorCode }
  | { kind: "registered"; invoiceId: number; customerId: number; customer: "created" | "linked"; basketSessionId: number }
  | { kind: "replayed"; invoiceId: number; customerId: number };

const idColumn = { id: int };

/** Thrown inside the transaction when another request consumed the basket first; rolls the attempt back. */
class BasketConsumedConcurrently extends Error {}

/** A retry follows a lost race for the basket; the next attempt sees the winner's commit, so two suffice. */
const MAX_ATTEMPTS = 3;

export async function registerByToken(input: RegisterByTokenInput): Promise<{ token: string }> {
  const now = input.now ?? new Date();
  const charges = registrationCharges({ clientIp: input.clientIp, tokenHash: basketTokenHash(input.token) });
  const outcome = await runWithRetry(() => registration(input, charges, now));
  if (outcome.kind === "rate_limited") throw rateLimited(outcome.retryAfterMs);
  if (outcome.kind === "refused") {
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

async function runWithRetry(script: () => SqlScript<Outcome>): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await runTransaction(script);
    } catch (error) {
      // Lost the race for the basket (PostgreSQL; SQLite runs one script at a time): the next attempt answers
      // "used", or replays when the winner carried this request's Idempotency-Key.
      if (!(error instanceof BasketConsumedConcurrently) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

function* registration(input: RegisterByTokenInput, charges: Charge[], now: Date): SqlScript<Outcome> {
  // Every attempt costs a point up front; a refused one more, below. A payment still pending or declined is
  // not a failure (only a valid token gets that far), so the completion page can keep polling.
  const retryAfterMs = yield* charge(charges, 1, now);
  if (retryAfterMs > 0) return { kind: "rate_limited", retryAfterMs };

  const decision = yield* evaluateRegistration(input, now);
  switch (decision.kind) {
    case "refuse":
      if (decision.code !== "payment_pending" && decision.code !== "payment_declined") yield* charge(charges, getConfig().rateLimit.failureCost, now);
      // Garbage tokens are not audited, so they cannot fill the table; the rate limit answers them.
      if (decision.basket) yield* execute(refusalAudit(decision.code, decision.basket, input.clientIp));
      return { kind: "refused", code: decision.code };
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
    case "register":
      return yield* register(decision.basket, decision.invoice, input, now);
  }
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

function* register(basket: EvaluatedBasket, invoice: IssuedInvoice, input: RegisterByTokenInput, now: Date): SqlScript<Outcome> {
  const keyHash = input.idempotencyKey === null ? null : idempotencyKeyHash(input.idempotencyKey);
  const consumed = yield* execute(Prisma.sql`
    UPDATE "BasketSession" SET "consumedAt" = ${now}, "status" = 'registered', "consumedKeyHash" = ${keyHash}
    WHERE "id" = ${basket.id} AND "consumedAt" IS NULL`);
  if (consumed !== 1) throw new BasketConsumedConcurrently();

  // One customer per (business, normalized e-mail): the unique index decides, even between instances. A new
  // customer gets portal access from this basket; an existing one is linked and never changed (the guest only
  // proved they paid, not who they are), except for portal access when it had none: an earlier grant stays.
  const email = normalizeEmail(basket.guestEmail);
  const inserted = yield* query(
    Prisma.sql`
    INSERT INTO "Customer" ("businessId", "fullName", "email", "company", "phone", "portalAccessGrantedAt", "portalAccessBasketSessionId", "createdAt")
    VALUES (${basket.businessId}, ${basket.guestFullName}, ${email}, ${basket.guestCompany}, ${basket.guestPhone}, ${now}, ${basket.id}, ${now})
    ON CONFLICT ("businessId", "email") DO NOTHING
    RETURNING "id"`,
    idColumn,
  );
  const created = inserted.length === 1;
  const [found] = created
    ? inserted
    : yield* query(Prisma.sql`SELECT "id" FROM "Customer" WHERE "businessId" = ${basket.businessId} AND "email" = ${email}`, idColumn);
  if (!found) throw new Error(`customer of basket ${basket.id} neither created nor found`);
  const customerId = found.id;
  if (!created) {
    yield* execute(Prisma.sql`
      UPDATE "Customer" SET "portalAccessGrantedAt" = ${now}, "portalAccessBasketSessionId" = ${basket.id}
      WHERE "id" = ${customerId} AND "portalAccessGrantedAt" IS NULL`);
  }

  yield* execute(Prisma.sql`UPDATE "Invoice" SET "customerId" = ${customerId} WHERE "id" = ${invoice.id}`);

  yield* execute(
    auditEventInsert({
      type: "registration.succeeded",
      actor: "guest",
      basketSessionId: basket.id,
      invoiceId: invoice.id,
      customerId,
      clientIp: input.clientIp,
      detail: { customer: created ? "created" : "linked", idempotencyKey: input.idempotencyKey !== null },
    }),
  );
  yield* execute(
    mailInsert({
      kind: created ? "registration.new_customer" : "registration.existing_customer",
      recipient: email,
      payload: { businessId: basket.businessId, customerId, invoiceId: invoice.id, invoiceNumber: invoice.number },
    }),
  );

  return { kind: "registered", invoiceId: invoice.id, customerId, customer: created ? "created" : "linked", basketSessionId: basket.id };
}
