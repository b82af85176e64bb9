import "server-only";

import { getConfig } from "@/lib/config";
import { recordAuditEvent } from "@/lib/server/audit";
import {
  basketTokenHash,
  evaluateRegistration,
  idempotencyKeyHash,
  type EvaluatedBasket,
  type EvaluatedInvoice,
  type RegistrationRequest,
} from "@/lib/server/billing/evaluate-registration";
import { getDb, type Tx } from "@/lib/server/db";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { enqueueMail } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { consumeRegistrationAttempt, penalizeRegistrationFailure } from "@/lib/server/rate-limit";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * SPEC §3.1: turns the guest of a paid basket session into a customer of the business, once, and returns
 * a token for that one invoice. The checks and the change share one transaction; races end with one
 * winner because the basket is consumed by a conditional update and the customer is unique per
 * (business, e-mail).
 */

export interface RegisterByTokenInput extends RegistrationRequest {
  clientIp: string;
  now?: Date;
}

type Outcome =
  | { kind: "refused"; code: ErrorCode }
  | { kind: "registered"; invoiceId: number; customerId: number; customer: "created" | "linked"; basketSessionId: number }
  | { kind: "replayed"; invoiceId: number; customerId: number };

/** Thrown inside the transaction when another request consumed the basket first; rolls the attempt back. */
class BasketConsumedConcurrently extends Error {}

/** A retry follows a lost race for the basket; the next attempt sees the winner's commit, so two suffice. */
const MAX_ATTEMPTS = 3;
/** Under a burst, transactions queue for SQLite's single connection or PostgreSQL's pool. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 10_000 };

export async function registerByToken(input: RegisterByTokenInput): Promise<{ token: string }> {
  const limitKeys = { clientIp: input.clientIp, tokenHash: basketTokenHash(input.token) };
  await consumeRegistrationAttempt(limitKeys);

  const now = input.now ?? new Date();
  const outcome = await decideAndApply(input, now);
  if (outcome.kind === "refused") {
    if (outcome.code !== "payment_pending") await penalizeRegistrationFailure(limitKeys);
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

async function decideAndApply(input: RegisterByTokenInput, now: Date): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await getDb().$transaction(async (tx): Promise<Outcome> => {
        const decision = await evaluateRegistration(tx, input, now);
        switch (decision.kind) {
          case "refuse":
            // Garbage tokens are not audited, so they cannot fill the table; the rate limit answers them.
            if (decision.basket) await auditRefusal(tx, decision.code, decision.basket, input.clientIp);
            return { kind: "refused", code: decision.code };
          case "replay":
            await recordAuditEvent(tx, {
              type: "registration.replayed",
              actor: "guest",
              basketSessionId: decision.basket.id,
              invoiceId: decision.invoice.id,
              customerId: decision.invoice.customerId,
              clientIp: input.clientIp,
            });
            return { kind: "replayed", invoiceId: decision.invoice.id, customerId: decision.invoice.customerId };
          case "register":
            return register(tx, decision.basket, decision.invoice, input, now);
        }
      }, TRANSACTION_OPTIONS);
    } catch (error) {
      // Lost the race for the basket: the next attempt answers "used", or replays when the winner carried
      // this request's Idempotency-Key. (A race for the customer cannot fail: INSERT … ON CONFLICT links.)
      if (!(error instanceof BasketConsumedConcurrently) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function auditRefusal(tx: Tx, code: ErrorCode, basket: EvaluatedBasket, clientIp: string): Promise<void> {
  await recordAuditEvent(tx, {
    type: "registration.refused",
    actor: "guest",
    reason: code,
    basketSessionId: basket.id,
    invoiceId: basket.invoice?.id,
    clientIp,
  });
}

async function register(
  tx: Tx,
  basket: EvaluatedBasket,
  invoice: EvaluatedInvoice,
  input: RegisterByTokenInput,
  now: Date,
): Promise<Outcome> {
  // The writes are single SQL statements that SQLite and PostgreSQL both run: on this hot path they cost a
  // third of the equivalent model calls (docs/benchmarks.md).
  const keyHash = input.idempotencyKey === null ? null : idempotencyKeyHash(input.idempotencyKey);
  const consumed = await tx.$executeRaw`
    UPDATE "BasketSession" SET "consumedAt" = ${now}, "status" = 'registered', "consumedKeyHash" = ${keyHash}
    WHERE "id" = ${basket.id} AND "consumedAt" IS NULL`;
  if (consumed !== 1) throw new BasketConsumedConcurrently();

  // One customer per (business, normalized e-mail): the unique index decides, even between instances. An
  // existing customer is linked and never changed: the guest only proved they paid, not who they are.
  const email = normalizeEmail(basket.guestEmail);
  const inserted = await tx.$queryRaw<{ id: number | bigint }[]>`
    INSERT INTO "Customer" ("businessId", "fullName", "email", "company", "phone", "createdAt")
    VALUES (${basket.businessId}, ${basket.guestFullName}, ${email}, ${basket.guestCompany}, ${basket.guestPhone}, ${now})
    ON CONFLICT ("businessId", "email") DO NOTHING
    RETURNING "id"`;
  const created = inserted.length === 1;
  const found = created
    ? inserted
    : await tx.$queryRaw<{ id: number | bigint }[]>`SELECT "id" FROM "Customer" WHERE "businessId" = ${basket.businessId} AND "email" = ${email}`;
  if (!found[0]) throw new Error(`customer of basket ${basket.id} neither created nor found`);
  const customer = { id: Number(found[0].id) };

  await tx.$executeRaw`UPDATE "Invoice" SET "customerId" = ${customer.id} WHERE "id" = ${invoice.id}`;
  // An earlier grant stays as it was.
  await tx.$executeRaw`
    UPDATE "Customer" SET "portalAccessGrantedAt" = ${now}, "portalAccessBasketSessionId" = ${basket.id}
    WHERE "id" = ${customer.id} AND "portalAccessGrantedAt" IS NULL`;

  await recordAuditEvent(tx, {
    type: "registration.succeeded",
    actor: "guest",
    basketSessionId: basket.id,
    invoiceId: invoice.id,
    customerId: customer.id,
    clientIp: input.clientIp,
    detail: { customer: created ? "created" : "linked", idempotencyKey: input.idempotencyKey !== null },
  });
  await enqueueMail(tx, {
    kind: created ? "registration.new_customer" : "registration.existing_customer",
    recipient: email,
    payload: { businessId: basket.businessId, customerId: customer.id, invoiceId: invoice.id, invoiceNumber: invoice.number },
  });

  return { kind: "registered", invoiceId: invoice.id, customerId: customer.id, customer: created ? "created" : "linked", basketSessionId: basket.id };
}
