import "server-only";

import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";

import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";

/**
 * Rate limits kept in the database (rate-limiter-flexible's Prisma store), so every instance shares them.
 * Each attempt costs one point up front; a refused attempt is charged more afterwards, so honest retries
 * (a reload, a payment still pending) stay far from the limit while guessing runs into it quickly.
 */
export interface RateLimitKeys {
  clientIp: string;
  /** SHA-256 of the basket token, when the request carried a well-formed one. */
  tokenHash: string | null;
}

interface Limiters {
  ip: RateLimiterPrisma;
  token: RateLimiterPrisma;
}

let limiters: Limiters | undefined;

function getLimiters(): Limiters {
  if (!limiters) {
    const { rateLimit } = getConfig();
    const common = { storeClient: getDb(), tableName: "rateLimiterFlexible", duration: rateLimit.windowSeconds };
    limiters = {
      ip: new RateLimiterPrisma({ ...common, keyPrefix: "register-ip", points: rateLimit.ipPoints }),
      token: new RateLimiterPrisma({ ...common, keyPrefix: "register-token", points: rateLimit.tokenPoints }),
    };
  }
  return limiters;
}

function* entries(keys: RateLimitKeys): Generator<[RateLimiterPrisma, string]> {
  const { ip, token } = getLimiters();
  yield [ip, keys.clientIp];
  if (keys.tokenHash) yield [token, keys.tokenHash];
}

/** Charges one attempt to every key; throws rate_limited (429, with Retry-After) when any is over its limit. */
export async function consumeRegistrationAttempt(keys: RateLimitKeys): Promise<void> {
  let retryAfterMs = 0;
  for (const [limiter, key] of entries(keys)) {
    try {
      await limiter.consume(key, 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      retryAfterMs = Math.max(retryAfterMs, rejection.msBeforeNext);
    }
  }
  if (retryAfterMs > 0) throw new AppError("rate_limited", { retryAfterSeconds: retryAfterMs / 1000 });
}

/** Charges the extra cost of a refused attempt. */
export async function penalizeRegistrationFailure(keys: RateLimitKeys): Promise<void> {
  const { failureCost } = getConfig().rateLimit;
  if (failureCost === 0) return;
  for (const [limiter, key] of entries(keys)) await limiter.penalty(key, failureCost);
}
