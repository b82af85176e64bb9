import "server-only";

import type { ErrorCode } from "@/lib/api/error-codes";
import { getConfig, type DatabaseProvider } from "@/lib/config";
import { execute, Prisma, query, runAsyncCommit, type SqlScript } from "@/lib/server/db";
import { bool, type Columns, date, dateOrNull, int, text } from "@/lib/server/db/columns";
import { AppError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";

/**
 * Fixed-window rate limits kept in the database, so every instance shares them. Each attempt costs a point
 * up front; a refused one is charged more afterwards, so honest retries (a reload, a payment still pending)
 * stay far from the limit while guessing runs into it quickly.
 *
 * A charge is one statement of its own, never a step of the transaction it guards: an INSERT … ON CONFLICT … DO
 * UPDATE … RETURNING over all its keys, which starts a new window where the last one ended and otherwise adds to
 * it. Every request from one address updates that address's row, and the row stays locked until the statement
 * commits; inside a registration's transaction, every registration from one office's NAT waited for the one
 * before it to commit. On PostgreSQL it commits without waiting for the disk (`runAsyncCommit`), so the lock is
 * held for microseconds. A row of "RateLimitWindow" is one key's current window: "prefix:key", points used, end
 * of the window.
 */
export interface LimitRule {
  prefix: string;
  /** Points a key may use per window. */
  points: number;
  windowSeconds: number;
}

export type Charge = readonly [rule: LimitRule, key: string];

const windowColumns = { key: text, points: int, expire: date };

/** Adds `cost` points to each key; resolves to how long until the most exceeded key is allowed again, 0 if none is. */
export async function charge(charges: readonly Charge[], cost: number, now: Date): Promise<number> {
  if (charges.length === 0) return 0;
  const retryAfterMs = await runAsyncCommit(() => chargeScript(charges, cost, now));
  pruneExpiredWindows(now);
  return retryAfterMs;
}

/** The charge's one statement, as a script. */
export function* chargeScript(charges: readonly Charge[], cost: number, now: Date): SqlScript<number> {
  const { keys, rules, upsert } = chargeUpsert(charges, cost, now);
  const rows = yield* query(upsert, windowColumns);
  if (rows.length !== keys.length) throw new Error("rate limit: the charge did not return every key");
  let retryAfterMs = 0;
  for (const row of rows) {
    if (row.points > rules.get(row.key)!.points)
      retryAfterMs = Math.max(retryAfterMs, row.expire.getTime() - now.getTime());
  }
  return retryAfterMs;
}

/** What an attempt is charged up front: `cost`, and `extraWhenMissing` more when the read finds nothing (a sure refusal). */
export interface AttemptCost {
  cost: number;
  extraWhenMissing: number;
}

/**
 * A charge and a read together, so that an attempt the read shows to be hopeless (no such row) is charged its
 * refusal at once: attempts sent all at once are then charged as they come, not only after each has been
 * answered. PostgreSQL: one statement, one round trip — the read and the charge's upsert are CTEs, and the
 * statement answers the read's row (or nulls) with the charge's verdict. SQLite: the read and the charge, one
 * script. It commits as a charge does (`runAsyncCommit`); the read sees what was committed when it ran.
 */
export async function chargeAndRead<T>(
  charges: readonly Charge[],
  attempt: AttemptCost,
  now: Date,
  read: Prisma.Sql,
  readColumns: Columns<T>,
): Promise<{ retryAfterMs: number; row: T | undefined }> {
  const { provider } = getConfig().database;
  const result = await runAsyncCommit(() => chargeAndReadScript(provider, charges, attempt, now, read, readColumns));
  pruneExpiredWindows(now);
  return result;
}

/** `chargeAndRead` as a script (the benchmark's database floor runs it too). */
export function* chargeAndReadScript<T>(
  provider: DatabaseProvider,
  charges: readonly Charge[],
  attempt: AttemptCost,
  now: Date,
  read: Prisma.Sql,
  readColumns: Columns<T>,
): SqlScript<{ retryAfterMs: number; row: T | undefined }> {
  if (provider === "sqlite") {
    const [row] = yield* query(read, readColumns);
    const retryAfterMs = yield* chargeScript(charges, attempt.cost + (row ? 0 : attempt.extraWhenMissing), now);
    return { retryAfterMs, row };
  }
  const cost = Prisma.sql`${attempt.cost}::int + CASE WHEN EXISTS (SELECT 1 FROM "found") THEN 0 ELSE ${attempt.extraWhenMissing}::int END`;
  const { keys, rules, upsert } = chargeUpsert(charges, cost, now);
  const limits = Prisma.join(keys.map((key) => Prisma.sql`(${key}::text, ${rules.get(key)!.points}::int)`));
  const [row] = yield* query(
    Prisma.sql`
    WITH "found" AS (${read}),
    "charged" AS (${upsert}),
    "verdict" AS (
      SELECT COUNT(*) AS "chargedKeys", MAX(c."expire") FILTER (WHERE c."points" > l."points") AS "limitedUntil",
             EXISTS (SELECT 1 FROM "found") AS "readFound"
      FROM "charged" c JOIN (VALUES ${limits}) AS l ("key", "points") ON l."key" = c."key"
    )
    SELECT v."chargedKeys", v."limitedUntil", v."readFound", f.* FROM "verdict" v LEFT JOIN "found" f ON true`,
    { ...readColumns, ...verdictColumns } as Columns<
      T & { chargedKeys: number; limitedUntil: Date | null; readFound: boolean }
    >,
  );
  if (row?.chargedKeys !== keys.length) throw new Error("rate limit: the charge did not return every key");
  const { limitedUntil, readFound } = row;
  return {
    retryAfterMs: limitedUntil ? Math.max(0, limitedUntil.getTime() - now.getTime()) : 0,
    row: readFound ? row : undefined,
  };
}

const verdictColumns = { chargedKeys: int, limitedUntil: dateOrNull, readFound: bool };

/** An INSERT … ON CONFLICT … DO UPDATE … RETURNING over the charge's keys, in key order (two charges that share keys lock them in the same order). */
function chargeUpsert(charges: readonly Charge[], cost: number | Prisma.Sql, now: Date) {
  const rules = new Map<string, LimitRule>(charges.map(([rule, key]) => [`${rule.prefix}:${key}`, rule]));
  const keys = [...rules.keys()].sort();
  const upsert = Prisma.sql`
    INSERT INTO "RateLimitWindow" ("key", "points", "expire")
    VALUES ${Prisma.join(keys.map((key) => Prisma.sql`(${key}, ${cost}, ${new Date(now.getTime() + rules.get(key)!.windowSeconds * 1000)})`))}
    ON CONFLICT ("key") DO UPDATE SET
      "points" = CASE WHEN "RateLimitWindow"."expire" <= ${now} THEN excluded."points" ELSE "RateLimitWindow"."points" + excluded."points" END,
      "expire" = CASE WHEN "RateLimitWindow"."expire" <= ${now} THEN excluded."expire" ELSE "RateLimitWindow"."expire" END
    RETURNING "key", "points", "expire"`;
  return { keys, rules, upsert };
}

const PRUNE_EVERY_MS = 5 * 60_000;
const pruning = globalThis as unknown as { rateLimitPrunedAt?: number };

/** Windows that ended are dropped every few minutes (per instance), beside the requests, so one-off keys do not pile up. */
function pruneExpiredWindows(now: Date): void {
  if (now.getTime() - (pruning.rateLimitPrunedAt ?? 0) < PRUNE_EVERY_MS) return;
  pruning.rateLimitPrunedAt = now.getTime();
  runAsyncCommit(() => execute(Prisma.sql`DELETE FROM "RateLimitWindow" WHERE "expire" <= ${now}`)).catch(
    (error: unknown) => logger.warn("pruning ended rate-limit windows failed; the next charge tries again", { error }),
  );
}

/** 429 rate_limited, with Retry-After: what a charge that went over answers. */
export function rateLimited(retryAfterMs: number): AppError {
  return new AppError("rate_limited", { retryAfterSeconds: retryAfterMs / 1000 });
}

export interface RateLimitKeys {
  clientIp: string;
  /** SHA-256 of the basket token, when the request carried a well-formed one. */
  tokenHash: string | null;
}

/** registerByToken's budgets: one per client address and one per token. */
export function registrationCharges(keys: RateLimitKeys): Charge[] {
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
 * or that no basket has (`chargeRegistrationAndRead`) — is charged both at once, so attempts sent all at once are
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

/** A registration's point, charged with the read of its basket (`read`), and its refusal's extra when there is none. */
export async function chargeRegistrationAndRead<T>(
  keys: RateLimitKeys,
  now: Date,
  read: Prisma.Sql,
  readColumns: Columns<T>,
): Promise<T | undefined> {
  const attempt = { cost: 1, extraWhenMissing: getConfig().rateLimit.failureCost };
  const charged = await chargeAndRead(registrationCharges(keys), attempt, now, read, readColumns);
  if (charged.retryAfterMs > 0) throw rateLimited(charged.retryAfterMs);
  return charged.row;
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
