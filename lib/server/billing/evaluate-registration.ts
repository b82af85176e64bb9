import "server-only";

import { timingSafeEqual } from "node:crypto";

import type { SqlScript } from "@/lib/server/db";
import { type BasketInvoiceRow, type BasketRow, findBasketById, findBasketByTokenHash } from "@/lib/server/db/baskets";
import { sha256Hex } from "@/lib/server/hash";
import { BasketTokenSchema, InvoiceIdSchema, type RegistrationRefusal } from "@/lib/validation/registration";

/**
 * The checks of docs/contract.md §3.1, steps 1–6, in their order, reading only. The endpoint acts on the decision;
 * the staff dry run reports it. Keeping both on this one function is what makes the dry run truthful.
 */

/** The basket session and its invoice, as the checks need them. */
export type EvaluatedBasket = BasketRow;

export type EvaluatedInvoice = BasketInvoiceRow;

/** An invoice that was issued (paid and numbered), as registration and its replay need it. */
export type IssuedInvoice = EvaluatedInvoice & { number: string };

export type RegistrationDecision =
  | { kind: "refuse"; code: RegistrationRefusal; basket: EvaluatedBasket | null }
  | { kind: "replay"; basket: EvaluatedBasket; invoice: IssuedInvoice & { customerId: number } }
  /** The server registered the guest; this is the first valid link since, which gets a token (docs/contract.md §3.7). */
  | { kind: "redeem"; basket: EvaluatedBasket; invoice: IssuedInvoice & { customerId: number } }
  | { kind: "register"; basket: EvaluatedBasket; invoice: IssuedInvoice };

export interface RegistrationRequest {
  /** The `token` query parameter; null when absent or given more than once. */
  token: string | null;
  /** The `{invoiceId}` path segment, unparsed. */
  invoiceId: string;
  /** The Idempotency-Key header, already validated; null when absent. */
  idempotencyKey: string | null;
}

/** The hash under which a basket token is stored, or null when the input is not a GUID. */
export function basketTokenHash(token: string | null): string | null {
  const parsed = BasketTokenSchema.safeParse(token);
  return parsed.success ? sha256Hex(parsed.data) : null;
}

export function idempotencyKeyHash(key: string): string {
  return sha256Hex(key);
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * A step of a transaction script: the endpoint runs it inside its transaction, the dry run on its own. `read` is
 * the basket when it was already read: the endpoint reads it with the rate-limit charge (rate-limit.ts,
 * `chargeAndRead`), and acts on it through a conditional update.
 */
export function* evaluateRegistration(
  request: RegistrationRequest,
  now: Date,
  read?: { basket: EvaluatedBasket | null },
): SqlScript<RegistrationDecision> {
  // 1. token missing or not a GUID
  const tokenHash = basketTokenHash(request.token);
  if (!tokenHash) return { kind: "refuse", code: "basket_token_invalid", basket: null };

  // 2. no basket session has that token
  const basket = read ? read.basket : yield* findBasketByTokenHash(tokenHash);
  if (!basket) return { kind: "refuse", code: "basket_token_invalid", basket: null };

  // 3. invoice id malformed, unknown, or not the one this basket produced: one answer for all three
  const invoiceId = InvoiceIdSchema.safeParse(request.invoiceId);
  const invoice = basket.invoice;
  if (!invoiceId.success || !invoice || invoice.id !== invoiceId.data) {
    return { kind: "refuse", code: "invoice_not_found", basket };
  }

  // 4. already consumed, unless this is the retry of the request that consumed it, or the server registered the
  //    guest and no link has been answered since (then the link is not used yet: steps 5 and 6 decide)
  const awaitingRedemption = basket.consumedAt !== null && basket.redeemedAt === null;
  if (basket.consumedAt && !awaitingRedemption) {
    const { customerId, number } = invoice;
    const isReplay =
      request.idempotencyKey !== null &&
      basket.consumedKeyHash !== null &&
      sameHash(basket.consumedKeyHash, idempotencyKeyHash(request.idempotencyKey)) &&
      now < basket.expiresAt;
    if (isReplay && customerId !== null && number !== null)
      return { kind: "replay", basket, invoice: { ...invoice, customerId, number } };
    return { kind: "refuse", code: "basket_token_used", basket };
  }

  // 5. expired
  if (now >= basket.expiresAt) return { kind: "refuse", code: "basket_token_expired", basket };

  // 6. payment not completed: declined (the guest must pay again at checkout), or not confirmed yet
  if (!basket.completedAt || !invoice.paidAt || invoice.number === null) {
    return { kind: "refuse", code: basket.status === "declined" ? "payment_declined" : "payment_pending", basket };
  }

  if (awaitingRedemption) {
    const { customerId } = invoice;
    if (customerId === null) throw new Error(`basket ${basket.id} was registered without a customer`);
    return { kind: "redeem", basket, invoice: { ...invoice, customerId, number: invoice.number } };
  }
  return { kind: "register", basket, invoice: { ...invoice, number: invoice.number } };
}

export type FulfilmentDecision =
  | { kind: "skip"; reason: "not_found" | "registered" | "unpaid" }
  | { kind: "register"; basket: EvaluatedBasket; invoice: IssuedInvoice };

/**
 * The server's registration of a paid checkout no page registered (docs/contract.md §3.7): the checks of the basket
 * itself, in the endpoint's order — it has its invoice, it is not registered, its payment is complete. The link's
 * checks (its token, its expiry) are not the server's: it holds no link, and a link's expiry never costs a guest who
 * paid their account.
 */
export function* evaluateFulfilment(basketSessionId: number): SqlScript<FulfilmentDecision> {
  const basket = yield* findBasketById(basketSessionId);
  const invoice = basket?.invoice;
  if (!basket || !invoice) return { kind: "skip", reason: "not_found" };
  if (basket.consumedAt) return { kind: "skip", reason: "registered" };
  if (!basket.completedAt || !invoice.paidAt || invoice.number === null) return { kind: "skip", reason: "unpaid" };
  return { kind: "register", basket, invoice: { ...invoice, number: invoice.number } };
}
