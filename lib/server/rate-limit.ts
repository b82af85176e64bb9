import "server-only";

import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";

import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { rateLimitStore } from "@/lib/server/rate-limit-store";

/**
 * Rate limits kept in the database (rate-limiter-flexible's Prisma store), so every instance shares them.
 * Each attempt costs one point up front; a refused one is charged more afterwards, so honest retries
 * (a reload, a payment still pending) stay far from the limit while guessing runs into it quickly.
 */
interface LimitRule {
  prefix: string;
  points: number;
  windowSeconds: number;
}

type Charge = [rule: LimitRule, key: string];

const limiters = new Map<string, RateLimiterPrisma>();

function limiterFor(rule: LimitRule): RateLimiterPrisma {
  let limiter = limiters.get(rule.prefix);
  if (!limiter) {
    limiter = new RateLimiterPrisma({
      storeClient: rateLimitStore(getDb()),
      tableName: "rateLimiterFlexible",
      keyPrefix: rule.prefix,
      points: rule.points,
      duration: rule.windowSeconds,
    });
    limiters.set(rule.prefix, limiter);
  }
  return limiter;
}

async function consume(charges: Charge[]): Promise<void> {
  let retryAfterMs = 0;
  for (const [rule, key] of charges) {
    try {
      await limiterFor(rule).consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      retryAfterMs = Math.max(retryAfterMs, rejection.msBeforeNext);
    }
  }
  if (retryAfterMs > 0) throw new AppError("rate_limited", { retryAfterSeconds: retryAfterMs / 1000 });
}

async function penalize(charges: Charge[], points: number): Promise<void> {
  if (points === 0) return;
  for (const [rule, key] of charges) await limiterFor(rule).penalty(key, points);
}

export interface RateLimitKeys {
  clientIp: string;
  /** SHA-256 of the basket token, when the request carried a well-formed one. */
  tokenHash: string | null;
}

function registrationCharges(keys: RateLimitKeys): Charge[] {
  const { rateLimit } = getConfig();
  const window = rateLimit.windowSeconds;
  const charges: Charge[] = [[{ prefix: "register-ip", points: rateLimit.ipPoints, windowSeconds: window }, keys.clientIp]];
  if (keys.tokenHash) charges.push([{ prefix: "register-token", points: rateLimit.tokenPoints, windowSeconds: window }, keys.tokenHash]);
  return charges;
}

/** registerByToken: charges one attempt per client address and per token; 429 rate_limited when over. */
export function consumeRegistrationAttempt(keys: RateLimitKeys): Promise<void> {
  return consume(registrationCharges(keys));
}

/** registerByToken: the extra cost of a refused attempt. */
export function penalizeRegistrationFailure(keys: RateLimitKeys): Promise<void> {
  return penalize(registrationCharges(keys), getConfig().rateLimit.failureCost);
}

/** Card testing is the abuse of a checkout: RATE_LIMIT_CHECKOUT_POINTS per address per 10 minutes. */
const CHECKOUT_WINDOW_SECONDS = 600;
/** A declined card costs 1 + 4 points. */
const DECLINE_COST = 4;

function checkoutCharges(clientIp: string): Charge[] {
  return [[{ prefix: "checkout-ip", points: getConfig().rateLimit.checkoutPoints, windowSeconds: CHECKOUT_WINDOW_SECONDS }, clientIp]];
}

export function consumeCheckoutAttempt(clientIp: string): Promise<void> {
  return consume(checkoutCharges(clientIp));
}

export function penalizeCheckoutDecline(clientIp: string): Promise<void> {
  return penalize(checkoutCharges(clientIp), DECLINE_COST);
}
