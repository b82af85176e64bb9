import "server-only";

import { getConfig } from "@/lib/config";
import {
  basketTokenHash,
  evaluateFulfilment,
  evaluateRegistration,
  idempotencyKeyHash,
  type EvaluatedBasket,
  type IssuedInvoice,
  type RegistrationRequest,
} from "@/lib/server/billing/evaluate-registration";
import { runOneWrite, type SqlScript } from "@/lib/server/db";
import { auditEventInsert, type AuditEventInput } from "@/lib/server/db/audit-events";
import { execute } from "@/lib/server/db/script";
import { type Registration, redeemBasket, registerCustomer, stopFulfilment } from "@/lib/server/db/registrations";
import { AppError, type ErrorCode } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import { REGISTRATION_MAIL_KINDS } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import {
  chargeMalformedRegistration,
  chargeRegistrationAndReadBasket,
  chargeRegistrationRefusal,
} from "@/lib/server/rate-limit";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * docs/contract.md §3.1: turns the guest of a paid basket session into a customer of the business, once, and returns
 * a token for that one invoice. The rate limits are charged first, with the read of the basket, never inside the
 * transaction they guard (rate-limit.ts); then one transaction script checks the basket (evaluate-registration.ts)
 * and acts. Races end with one winner because the basket is consumed by a conditional update (on what was read:
 * still unconsumed) and the customer is unique per (business, e-mail): lib/server/db/registrations.ts, where a
 * registration is one statement on PostgreSQL.
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

/** Thrown inside the script when another request consumed the basket first; rolls the attempt back. */
class BasketConsumedConcurrently extends Error {}

/** A retry follows a lost race for the basket; the next attempt sees the winner's commit, so two suffice. */
const MAX_ATTEMPTS = 3;

export async function registerByToken(input: RegisterByTokenInput): Promise<{ token: string }> {
  const now = input.now ?? new Date();
  // Step 1, and the price of every attempt (rate-limit.ts): a token that is not a GUID is refused unread.
  const tokenHash = basketTokenHash(input.token);
  if (!tokenHash) {
    await chargeMalformedRegistration(input.clientIp, now);
    throw new AppError("basket_token_invalid");
  }
  const keys = { clientIp: input.clientIp, tokenHash };
  const read = { basket: await chargeRegistrationAndReadBasket(keys, now) };

  // Steps 2–6 on what was read, then the one write: on a lost race, read again.
  const outcome = await runWithRetry((attempt) => registrationScript(input, now, attempt === 1 ? read : undefined));
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

/** The checks, then one write: an audit event for a refusal or a replay, the registration itself otherwise. */
function* registrationScript(
  input: RegisterByTokenInput,
  now: Date,
  read?: { basket: EvaluatedBasket | null },
): SqlScript<Outcome> {
  const decision = yield* evaluateRegistration(input, now, read);
  switch (decision.kind) {
    case "refuse":
      // Garbage tokens are not audited, so they cannot fill the table; the rate limit answers them.
      if (decision.basket)
        yield* execute(auditEventInsert(refusalAudit(decision.code, decision.basket, input.clientIp)));
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
    case "redeem": {
      const redeemed = yield* redeemBasket({
        basketSessionId: decision.basket.id,
        redeemedAt: now,
        consumedKeyHash: keyHashOf(input.idempotencyKey),
        audit: redeemedAudit(decision.basket, input),
      });
      if (!redeemed) throw new BasketConsumedConcurrently();
      return { kind: "redeemed", invoiceId: decision.invoice.id, customerId: decision.invoice.customerId };
    }
    case "register": {
      const registrant: Registrant = { by: "guest", clientIp: input.clientIp, idempotencyKey: input.idempotencyKey };
      const registered = yield* register(decision.basket, decision.invoice, registrant, now);
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
  const registered = await runWithRetry(() =>
    (function* (): SqlScript<Registered | null> {
      const decision = yield* evaluateFulfilment(basketSessionId);
      if (decision.kind === "skip") {
        // Nothing to register: stop looking at it.
        yield* stopFulfilment(basketSessionId);
        return null;
      }
      return yield* register(decision.basket, decision.invoice, { by: "server" }, now);
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

export type Registered = { customerId: number; customer: "created" | "linked" };

/**
 * The registration's write. A new customer gets portal access from this basket; an existing one is linked and never
 * changed (the guest only proved they paid, not who they are: anyone may buy with anyone's address), its language
 * included, except for portal access when it had none (an earlier grant stays). A page's registration redeems its
 * link at once (and keeps its Idempotency-Key for a replay); the server's leaves the link to be redeemed by the
 * first valid call.
 */
function* register(
  basket: EvaluatedBasket,
  invoice: IssuedInvoice,
  registrant: Registrant,
  now: Date,
): SqlScript<Registered> {
  const email = normalizeEmail(basket.guestEmail);
  const registration: Registration = {
    basket,
    invoiceId: invoice.id,
    consumption: {
      registeredBy: registrant.by,
      redeemedAt: registrant.by === "guest" ? now : null,
      consumedKeyHash: registrant.by === "guest" ? keyHashOf(registrant.idempotencyKey) : null,
    },
    email,
    now,
    audit: {
      type: "registration.succeeded",
      actor: registrant.by === "guest" ? "guest" : "system",
      clientIp: registrant.by === "guest" ? registrant.clientIp : undefined,
      basketSessionId: basket.id,
      invoiceId: invoice.id,
      detail: { created: succeededDetail("created", registrant), linked: succeededDetail("linked", registrant) },
    },
    // The registration e-mail is written in the language of the checkout.
    mail: {
      kinds: REGISTRATION_MAIL_KINDS,
      recipient: email,
      businessId: basket.businessId,
      payload: {
        businessId: basket.businessId,
        invoiceId: invoice.id,
        invoiceNumber: invoice.number,
        locale: basket.locale,
      },
    },
  };
  const registered = yield* registerCustomer(registration);
  if (!registered) throw new BasketConsumedConcurrently();
  return { customerId: registered.customerId, customer: registered.created ? "created" : "linked" };
}

function keyHashOf(idempotencyKey: string | null): string | null {
  return idempotencyKey === null ? null : idempotencyKeyHash(idempotencyKey);
}

function refusalAudit(code: ErrorCode, basket: EvaluatedBasket, clientIp: string): AuditEventInput {
  return {
    type: "registration.refused",
    actor: "guest",
    reason: code,
    basketSessionId: basket.id,
    invoiceId: basket.invoice?.id,
    clientIp,
  };
}

function redeemedAudit(basket: EvaluatedBasket, input: RegisterByTokenInput): AuditEventInput {
  return {
    type: "registration.redeemed",
    actor: "guest",
    basketSessionId: basket.id,
    invoiceId: basket.invoice?.id,
    customerId: basket.invoice?.customerId ?? undefined,
    clientIp: input.clientIp,
  };
}

function succeededDetail(customer: "created" | "linked", registrant: Registrant): Record<string, string | boolean> {
  return registrant.by === "guest"
    ? { customer, by: "guest", idempotencyKey: registrant.idempotencyKey !== null }
    : { customer, by: "server" };
}
