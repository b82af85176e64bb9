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
import { getDb, isUniqueViolation, type Db } from "@/lib/server/db";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { enqueueMail } from "@/lib/server/mail/outbox";
import { consumeRegistrationAttempt, penalizeRegistrationFailure } from "@/lib/server/rate-limit";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * SPEC §3.1: turns the guest of a paid basket session into a customer of the business, once, and returns
 * a token for that one invoice. Races end with one winner: the basket is consumed by a conditional update
 * and the customer is unique per (business, e-mail), both inside one transaction.
 */

export interface RegisterByTokenInput extends RegistrationRequest {
  clientIp: string;
  now?: Date;
}

/** Thrown inside the transaction when another request consumed the basket first; rolls the attempt back. */
class BasketConsumedConcurrently extends Error {}

/** A unique-key race (two creates of one customer) is retried; this bounds the retries. */
const MAX_ATTEMPTS = 4;

export async function registerByToken(input: RegisterByTokenInput): Promise<{ token: string }> {
  const limitKeys = { clientIp: input.clientIp, tokenHash: basketTokenHash(input.token) };
  await consumeRegistrationAttempt(limitKeys);
  try {
    return await registerOrReplay(getDb(), input);
  } catch (error) {
    if (error instanceof AppError && error.code !== "payment_pending") {
      await penalizeRegistrationFailure(limitKeys);
    }
    throw error;
  }
}

async function registerOrReplay(db: Db, input: RegisterByTokenInput): Promise<{ token: string }> {
  const now = input.now ?? new Date();
  for (let attempt = 1; ; attempt++) {
    const decision = await evaluateRegistration(db, input, now);

    if (decision.kind === "refuse") throw await refusal(db, decision.code, decision.basket, input.clientIp);

    if (decision.kind === "replay") {
      await recordAuditEvent(db, {
        type: "registration.replayed",
        actor: "guest",
        basketSessionId: decision.basket.id,
        invoiceId: decision.invoice.id,
        customerId: decision.invoice.customerId,
        clientIp: input.clientIp,
      });
      return { token: await mintInvoiceToken({ invoiceId: decision.invoice.id, customerId: decision.invoice.customerId, now }) };
    }

    if (decision.kind === "register") {
      try {
        const { customerId, created } = await register(db, decision.basket, decision.invoice, input, now);
        logger.info("registration succeeded", {
          basketSessionId: decision.basket.id,
          invoiceId: decision.invoice.id,
          customerId,
          customer: created ? "created" : "linked",
        });
        return { token: await mintInvoiceToken({ invoiceId: decision.invoice.id, customerId, now }) };
      } catch (error) {
        // Lost the race for the basket: evaluate again, which now answers "used" — or replays, when the
        // winner was this client's own earlier request carrying the same Idempotency-Key.
        if (error instanceof BasketConsumedConcurrently && attempt < MAX_ATTEMPTS) continue;
        // Another basket created the same customer at the same moment: the retry links to it.
        if (isUniqueViolation(error) && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof BasketConsumedConcurrently) {
          throw await refusal(db, "basket_token_used", decision.basket, input.clientIp);
        }
        throw error;
      }
    }
  }
}

/** The error to answer with; refusals of a real basket session are audited first. */
async function refusal(db: Db, code: ErrorCode, basket: EvaluatedBasket | null, clientIp: string): Promise<AppError> {
  // Garbage tokens are not audited, so they cannot fill the table; the rate limit answers them.
  if (basket) {
    await recordAuditEvent(db, {
      type: "registration.refused",
      actor: "guest",
      reason: code,
      basketSessionId: basket.id,
      invoiceId: basket.invoice?.id,
      clientIp,
    });
  }
  return new AppError(code, code === "payment_pending" ? { retryAfterSeconds: getConfig().paymentPendingRetryAfterSeconds } : {});
}

async function register(
  db: Db,
  basket: EvaluatedBasket,
  invoice: EvaluatedInvoice,
  input: RegisterByTokenInput,
  now: Date,
): Promise<{ customerId: number; created: boolean }> {
  return db.$transaction(async (tx) => {
    const consumed = await tx.basketSession.updateMany({
      where: { id: basket.id, consumedAt: null },
      data: {
        consumedAt: now,
        status: "registered",
        consumedKeyHash: input.idempotencyKey === null ? null : idempotencyKeyHash(input.idempotencyKey),
      },
    });
    if (consumed.count !== 1) throw new BasketConsumedConcurrently();

    const email = normalizeEmail(basket.guestEmail);
    const existing = await tx.customer.findUnique({
      where: { businessId_email: { businessId: basket.businessId, email } },
      select: { id: true },
    });
    // Linking never changes an existing customer's details: the guest only proved they paid, not who they are.
    const customer =
      existing ??
      (await tx.customer.create({
        data: {
          businessId: basket.businessId,
          email,
          fullName: basket.guestFullName,
          company: basket.guestCompany,
          phone: basket.guestPhone,
        },
        select: { id: true },
      }));
    const created = existing === null;

    await tx.invoice.update({ where: { id: invoice.id }, data: { customerId: customer.id }, select: { id: true } });
    // An earlier grant stays as it was.
    await tx.customer.updateMany({
      where: { id: customer.id, portalAccessGrantedAt: null },
      data: { portalAccessGrantedAt: now, portalAccessBasketSessionId: basket.id },
    });

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
    return { customerId: customer.id, created };
  });
}
