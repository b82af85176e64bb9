import "server-only";

import { getConfig } from "@/lib/config";
import {
  basketByTokenHashQuery,
  basketOfRow,
  type BasketReadRow,
  type BasketRow,
  findBasketByTokenHash,
} from "@/lib/server/db/baskets";
import type { RawBuilder } from "kysely";

import { type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";
import { runAsyncCommit } from "@/lib/server/db/transaction";
import { logger } from "@/lib/server/logger";

/**
 * The rate limits' store: fixed windows kept in the database, so every instance shares them. A row of
 * "RateLimitWindow" is one key's current window: "prefix:key", points used, end of the window.
 *
 * A charge is one statement of its own, never a step of the transaction it guards: an INSERT … ON CONFLICT … DO
 * UPDATE … RETURNING over all its keys, which starts a new window where the last one ended and otherwise adds to
 * it. Every request from one address updates that address's row, and the row stays locked until the statement
 * commits; inside a registration's transaction, every registration from one office's NAT waited for the one
 * before it to commit. On PostgreSQL it commits without waiting for the disk (`runAsyncCommit`), so the lock is
 * held for microseconds.
 */

export interface LimitRule {
  prefix: string;
  /** Points a key may use per window. */
  points: number;
  windowSeconds: number;
}

export type Charge = readonly [rule: LimitRule, key: string];

/** Adds `cost` points to each key; resolves to how long until the most exceeded key is allowed again, 0 if none is. */
export async function chargeRateLimits(charges: readonly Charge[], cost: number, now: Date): Promise<number> {
  if (charges.length === 0) return 0;
  const retryAfterMs = await runAsyncCommit(() => chargeScript(charges, cost, now));
  pruneExpiredWindows(now);
  return retryAfterMs;
}

/** What an attempt is charged up front: `cost`, and `extraWhenMissing` more when the read finds nothing (a sure refusal). */
interface AttemptCost {
  cost: number;
  extraWhenMissing: number;
}

/**
 * A charge and the read of the basket of `tokenHash` together, so that an attempt the read shows to be hopeless (no
 * such basket) is charged its refusal at once: attempts sent all at once are then charged as they come, not only
 * after each has been answered. PostgreSQL: one statement, one round trip — the read and the charge's upsert are
 * CTEs, and the statement answers the basket (or nulls) with the charge's verdict. SQLite: the read and the charge,
 * one script. It commits as a charge does (`runAsyncCommit`); the read sees what was committed when it ran.
 */
export async function chargeRateLimitsAndReadBasket(
  charges: readonly Charge[],
  attempt: AttemptCost,
  now: Date,
  tokenHash: string,
): Promise<{ retryAfterMs: number; basket: BasketRow | null }> {
  const result = await runAsyncCommit(() => chargeAndReadBasketScript(charges, attempt, now, tokenHash));
  pruneExpiredWindows(now);
  return result;
}

/** `chargeRateLimitsAndReadBasket` as a script. */
function* chargeAndReadBasketScript(
  charges: readonly Charge[],
  attempt: AttemptCost,
  now: Date,
  tokenHash: string,
): SqlScript<{ retryAfterMs: number; basket: BasketRow | null }> {
  if (getConfig().database.provider === "sqlite") {
    const basket = yield* findBasketByTokenHash(tokenHash);
    const retryAfterMs = yield* chargeScript(charges, attempt.cost + (basket ? 0 : attempt.extraWhenMissing), now);
    return { retryAfterMs, basket };
  }
  const { keys, windows } = windowsOf(charges, now);
  let shape = chargeAndReadShapes.get(keys.length);
  if (!shape) chargeAndReadShapes.set(keys.length, (shape = chargeAndReadShapeOf(keys.length)));
  const [row] = yield* query(
    shape({
      tokenHash,
      now,
      cost: attempt.cost,
      extraWhenMissing: attempt.extraWhenMissing,
      ...windowBindings(windows),
    }),
  );
  if (!row) throw new Error("rate limit: the charge returned no verdict");
  const { chargedKeys, limitedUntil, readFound, ...found } = row;
  if (Number(chargedKeys) !== keys.length) throw new Error("rate limit: the charge did not return every key");
  return {
    retryAfterMs: limitedUntil ? Math.max(0, limitedUntil.getTime() - now.getTime()) : 0,
    // Without a basket, the left join's columns are nulls.
    basket: readFound ? basketOfRow(found as BasketReadRow) : null,
  };
}

/** A charge's keys in key order (two charges that share keys lock them in the same order), with their windows. */
function windowsOf(charges: readonly Charge[], now: Date) {
  const rules = new Map<string, LimitRule>(charges.map(([rule, key]) => [`${rule.prefix}:${key}`, rule]));
  const keys = [...rules.keys()].sort();
  const windows = keys.map((key) => {
    const rule = rules.get(key)!;
    return { key, limit: rule.points, expire: new Date(now.getTime() + rule.windowSeconds * 1000) };
  });
  return { keys, rules, windows };
}

type Window = { key: string; limit: number; expire: Date };

/** A statement's values for `count` windows: "key0", "limit0", "expire0", … (a prepared shape per count). */
type WindowParameters = Record<`${"key" | "limit" | "expire"}${number}`, RawBuilder<unknown>>;

function windowBindings(windows: readonly Window[]): Record<string, unknown> {
  const bindings: Record<string, unknown> = {};
  windows.forEach(({ key, limit, expire }, index) => {
    bindings[`key${index}`] = key;
    bindings[`limit${index}`] = limit;
    bindings[`expire${index}`] = expire;
  });
  return bindings;
}

/** Starts a new window where the last one ended, and otherwise adds to it; `points` is what each key is charged. */
function upsertWindows(count: number, p: WindowParameters, points: RawBuilder<number>, now: RawBuilder<Date>) {
  return sqlBuilder
    .insertInto("RateLimitWindow")
    .values(
      Array.from({ length: count }, (_, index) => ({
        key: p[`key${index}`] as RawBuilder<string>,
        points,
        expire: p[`expire${index}`] as RawBuilder<Date>,
      })),
    )
    .onConflict((conflict) =>
      conflict.column("key").doUpdateSet((eb) => ({
        points: eb
          .case()
          .when("RateLimitWindow.expire", "<=", now)
          .then(eb.ref("excluded.points"))
          .else(eb("RateLimitWindow.points", "+", eb.ref("excluded.points")))
          .end(),
        expire: eb
          .case()
          .when("RateLimitWindow.expire", "<=", now)
          .then(eb.ref("excluded.expire"))
          .else(eb.ref("RateLimitWindow.expire"))
          .end(),
      })),
    )
    .returning(["key", "points", "expire"]);
}

type ChargeParameters = Parameters<{ now: Date; cost: number }> & WindowParameters;

/** The charge of `count` keys: its statement's shape, built once. */
const chargeShapes = new Map<number, ReturnType<typeof chargeShapeOf>>();
function chargeShapeOf(count: number) {
  return prepare((p: ChargeParameters) => upsertWindows(count, p, p.cost, p.now));
}

/**
 * PostgreSQL: the charge of `count` keys and the read of the basket, one statement. Each key is charged the
 * attempt's cost, and its extra when the read found nothing; the verdict counts the keys charged and finds the
 * latest end of a window gone over its key's limit.
 */
const chargeAndReadShapes = new Map<number, ReturnType<typeof chargeAndReadShapeOf>>();
function chargeAndReadShapeOf(count: number) {
  type P = Parameters<{ tokenHash: string; now: Date; cost: number; extraWhenMissing: number }> & WindowParameters;
  return prepare((p: P) =>
    sqlBuilder
      .with("found", () => basketByTokenHashQuery(p.tokenHash))
      .with("charged", () =>
        upsertWindows(
          count,
          p,
          sql<number>`${p.cost}::int + CASE WHEN EXISTS (SELECT 1 FROM "found") THEN 0 ELSE ${p.extraWhenMissing}::int END`,
          p.now,
        ),
      )
      .with("verdict", (db) =>
        db.selectFrom("charged as c").select((eb) => {
          const limitOfKey = sql<number>`CASE "c"."key" ${sql.join(
            Array.from(
              { length: count },
              (_, index) => sql`WHEN ${p[`key${index}`]}::text THEN ${p[`limit${index}`]}::int`,
            ),
            sql` `,
          )} END`;
          return [
            eb.fn.countAll<number>().as("chargedKeys"),
            eb.fn.max("c.expire").filterWhere("c.points", ">", limitOfKey).as("limitedUntil"),
            eb.exists(eb.selectFrom("found").select(sql`1`.as("one"))).as("readFound"),
          ];
        }),
      )
      .selectFrom("verdict as v")
      .leftJoin("found as f", (join) => join.onTrue())
      .select(["v.chargedKeys", "v.limitedUntil", "v.readFound"])
      .selectAll("f"),
  );
}

/** The charge's one statement, as a script. */
function* chargeScript(charges: readonly Charge[], cost: number, now: Date): SqlScript<number> {
  const { keys, rules, windows } = windowsOf(charges, now);
  let shape = chargeShapes.get(keys.length);
  if (!shape) chargeShapes.set(keys.length, (shape = chargeShapeOf(keys.length)));
  const rows = yield* query(shape({ now, cost, ...windowBindings(windows) }));
  if (rows.length !== keys.length) throw new Error("rate limit: the charge did not return every key");
  let retryAfterMs = 0;
  for (const row of rows) {
    if (!row.expire) throw new Error("rate limit: a window without an end");
    if (row.points > rules.get(row.key)!.points)
      retryAfterMs = Math.max(retryAfterMs, row.expire.getTime() - now.getTime());
  }
  return retryAfterMs;
}

const PRUNE_EVERY_MS = 5 * 60_000;
const pruning = globalThis as unknown as { rateLimitPrunedAt?: number };

const deleteEndedWindows = prepare((p: Parameters<{ now: Date }>) =>
  sqlBuilder.deleteFrom("RateLimitWindow").where("expire", "<=", p.now),
);

/** Windows that ended are dropped every few minutes (per instance), beside the requests, so one-off keys do not pile up. */
function pruneExpiredWindows(now: Date): void {
  if (now.getTime() - (pruning.rateLimitPrunedAt ?? 0) < PRUNE_EVERY_MS) return;
  pruning.rateLimitPrunedAt = now.getTime();
  runAsyncCommit(() => execute(deleteEndedWindows({ now }))).catch((error: unknown) =>
    logger.warn("pruning ended rate-limit windows failed; the next charge tries again", { error }),
  );
}
