import { randomUUID } from "node:crypto";

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { getDb, getDriver, Prisma } from "@/lib/server/db";
import { runTransaction } from "@/lib/server/sql/run-transaction";
import { execute, type SqlScript } from "@/lib/server/sql/script";

const onSqlite = process.env.TEST_DATABASE_PROVIDER !== "postgresql";
const db = getDb();

function* insertRow(key: string): SqlScript<void> {
  yield* execute(Prisma.sql`INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES (${key}, 1, ${new Date()})`);
}

/** The transaction scripts of one turn of the event loop share one COMMIT (sqlite-group-commit.ts). */
describe.runIf(onSqlite)("transaction scripts on SQLite, committed in groups", () => {
  // Another connection to the same file sees only what is committed.
  let other: Database.Database;
  const committedKeys = (...keys: string[]) =>
    keys.filter((key) => other.prepare(`SELECT 1 FROM "RateLimiterFlexible" WHERE "key" = ?`).get(key) !== undefined);

  beforeEach(async () => {
    const driver = await getDriver();
    if (driver.provider !== "sqlite") throw new Error("expected SQLite");
    other = new Database(driver.connection.name, { readonly: true });
  });
  afterEach(() => other.close());

  it("share one transaction within a turn, and each resolves only once its work is committed", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const scripts = [runTransaction(() => insertRow(a)), runTransaction(() => insertRow(b))];
    // Both have run (each script runs synchronously once the driver is there) but nothing is committed yet.
    await new Promise((resolve) => process.nextTick(resolve));
    const driver = await getDriver();
    if (driver.provider !== "sqlite") throw new Error("expected SQLite");
    expect(driver.connection.inTransaction).toBe(true);
    expect(committedKeys(a, b)).toEqual([]);

    await scripts[0];
    expect(committedKeys(a, b)).toEqual([a, b]);
    await scripts[1];
  });

  it("take back only the statements of a script that fails; the others of its group are committed", async () => {
    const [a, failed, c] = [randomUUID(), randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      runTransaction(() => insertRow(a)),
      runTransaction(function* () {
        yield* insertRow(failed);
        throw new Error("changed its mind");
      }),
      runTransaction(() => insertRow(c)),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(committedKeys(a, failed, c)).toEqual([a, c]);
  });

  it("all fail, with nothing kept, when their COMMIT fails", async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const outcomes = await Promise.allSettled([
      runTransaction(() => insertRow(a)),
      runTransaction(function* () {
        yield* insertRow(b);
        // A broken foreign key, checked only at COMMIT.
        yield* execute(Prisma.sql`PRAGMA defer_foreign_keys = ON`);
        yield* execute(Prisma.sql`
          INSERT INTO "Customer" ("businessId", "fullName", "email", "createdAt") VALUES (987654, 'Nobody', ${`${b}@example.test`}, ${new Date()})`);
      }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["rejected", "rejected"]);
    expect(committedKeys(a, b)).toEqual([]);
    // The connection is usable again.
    await runTransaction(() => insertRow(a));
    expect(committedKeys(a)).toEqual([a]);
  });

  it("are committed before Prisma uses the connection: its writes are durable when they resolve, its transactions can begin", async () => {
    const [script, byPrisma, inPrismaTransaction] = [randomUUID(), randomUUID(), randomUUID()];
    const scripted = runTransaction(() => insertRow(script));
    await new Promise((resolve) => process.nextTick(resolve));

    await db.rateLimiterFlexible.create({ data: { key: byPrisma, points: 1, expire: new Date() } });
    expect(committedKeys(script, byPrisma)).toEqual([script, byPrisma]);

    const scriptedAgain = runTransaction(() => insertRow(randomUUID()));
    await new Promise((resolve) => process.nextTick(resolve));
    await db.$transaction(async (tx) => {
      await tx.rateLimiterFlexible.create({ data: { key: inPrismaTransaction, points: 1, expire: new Date() } });
    });
    expect(committedKeys(inPrismaTransaction)).toEqual([inPrismaTransaction]);
    await Promise.all([scripted, scriptedAgain]);
  });
});
