import "server-only";

import type { ErrorCode } from "@/lib/api/error-codes";
import { getConfig } from "@/lib/config";
import type { BasketRow } from "@/lib/server/db/baskets";
import { type Charge, chargeRateLimits as charge, chargeRateLimitsAndReadBasket } from "@/lib/server/db/rate-limits";
import { AppError } from "@/lib/server/errors";

export type { Charge, LimitRule } from "@/lib/server/db/rate-limits";
export { charge };

/**
 * The rate limits' prices and budgets, here and nowhere else; their windows are kept in the database, so every
 * instance shares them (lib/server/db/rate-limits.ts). Each attempt costs a point up front; a refused one is charged
 * more afterwards, so honest retries (a reload, a payment still pending) stay far from the limit while guessing runs
 * into it quickly.
 */
/** 429 rate_limited, with Retry-After: what a charge that went over answers. */
function rateLimited(retryAfterMs: number): AppError {
  return new AppError("rate_limited", { retryAfterSeconds: retryAfterMs / 1000 });
}

interface RateLimitKeys {
  clientIp: string;
  /** SHA-256 of the basket token, when the request carried a well-formed one. */
  tokenHash: string | null;
}

/** registerByToken's budgets: one per client address and one per token. */
function registrationCharges(keys: RateLimitKeys): Charge[] {
  const { rateLimit } = getConfig();
  const window = rateLimit.windowSeconds;
  const charges: Charge[] = [
    [{ prefix: "register-ip", points: rateLimit.ipPoints, windowSeconds: window }, keys.clientIp],
  ];
  if (keys.tokenHash)
    charges.push([{ prefix: "register-token", points: rateLimit.tokenPoints, windowSeconds: window }, keys.tokenHash]);
  return charges;
}

/**
 * registerByToken's pricing, here and nowhere else: every attempt costs a point up front, and a refused one
 * RATE_LIMIT_FAILURE_COST more. An attempt sure to be refused — a token that is not a GUID (`chargeMalformedRegistration`)
 * or that no basket has (`chargeRegistrationAndReadBasket`) — is charged both at once, so attempts sent all at once are
 * charged as they come; any other refusal is charged its extra afterwards (`chargeRegistrationRefusal`). A payment
 * still pending or declined is not a refusal (only a valid token gets that far), so the completion page can keep
 * polling.
 */
export async function chargeMalformedRegistration(clientIp: string, now: Date): Promise<void> {
  const retryAfterMs = await charge(
    registrationCharges({ clientIp, tokenHash: null }),
    1 + getConfig().rateLimit.failureCost,
    now,
  );
  if (retryAfterMs > 0) throw rateLimited(retryAfterMs);
}

/** A registration's point, charged with the read of its basket, and its refusal's extra when there is none. */
export async function chargeRegistrationAndReadBasket(
  keys: RateLimitKeys & { tokenHash: string },
  now: Date,
): Promise<BasketRow | null> {
  const attempt = { cost: 1, extraWhenMissing: getConfig().rateLimit.failureCost };
  const charged = await chargeRateLimitsAndReadBasket(registrationCharges(keys), attempt, now, keys.tokenHash);
  if (charged.retryAfterMs > 0) throw rateLimited(charged.retryAfterMs);
  return charged.basket;
}

/** A registration refused after its basket was read: its extra, unless it was charged already or is no refusal. */
export async function chargeRegistrationRefusal(
  keys: RateLimitKeys,
  refusal: { basketFound: boolean; code: ErrorCode },
  now: Date,
): Promise<void> {
  const chargedAlready = !refusal.basketFound;
  const notARefusal = refusal.code === "payment_pending" || refusal.code === "payment_declined";
  if (!chargedAlready && !notARefusal) await charge(registrationCharges(keys), getConfig().rateLimit.failureCost, now);
}

/** Card testing is the abuse of a checkout: RATE_LIMIT_CHECKOUT_POINTS per address per 10 minutes. */
const CHECKOUT_WINDOW_SECONDS = 600;
/** A declined card costs 1 + 4 points. */
const DECLINE_COST = 4;

function checkoutCharges(clientIp: string): Charge[] {
  return [
    [
      { prefix: "checkout-ip", points: getConfig().rateLimit.checkoutPoints, windowSeconds: CHECKOUT_WINDOW_SECONDS },
      clientIp,
    ],
  ];
}

/**
 * A checkout attempt, priced here and nowhere else. It is charged as if its card will be declined (1 + 4 points)
 * before anything is tried, so attempts sent at once cannot all fit the budget by being charged their penalty only
 * afterwards. Then the penalty is given back unless the card was declined; a submission told to ask again
 * (`checkout_in_progress`) charged no card and gets the whole attempt back, so a guest whose order waits for the
 * reconciler is never locked out by asking.
 */
export async function withCheckoutAttempt<T>(clientIp: string, attempt: () => Promise<T>): Promise<T> {
  const charges = checkoutCharges(clientIp);
  const retryAfterMs = await charge(charges, 1 + DECLINE_COST, new Date());
  if (retryAfterMs > 0) throw rateLimited(retryAfterMs);
  const refund = (points: number) => charge(charges, -points, new Date());
  try {
    const result = await attempt();
    await refund(DECLINE_COST);
    return result;
  } catch (error) {
    const code = error instanceof AppError ? error.code : null;
    if (code === "checkout_in_progress") await refund(1 + DECLINE_COST);
    else if (code !== "payment_declined") await refund(DECLINE_COST);
    throw error;
  }
}
