import { randomUUID } from "node:crypto";

import { afterEach, describe, expect, it } from "vitest";

import { getDb, Prisma } from "@/lib/server/db";
import { runTransaction } from "@/lib/server/sql/run-transaction";
import { execute, query, type SqlScript } from "@/lib/server/sql/script";
import { date, int } from "@/lib/server/sql/values";

/** The rate limiter's table is the simplest one with a key, an integer and a date: a good scratch table. */
const db = getDb();

function* insertRow(key: string, points: number, expire: Date): SqlScript<void> {
  yield* execute(Prisma.sql`INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES (${key}, ${points}, ${expire})`);
}

function* readRow(key: string): SqlScript<{ points: number; expire: Date } | null> {
  const rows = yield* query(Prisma.sql`SELECT "points", "expire" FROM "RateLimiterFlexible" WHERE "key" = ${key}`);
  return rows[0] ? { points: int(rows[0].points), expire: date(rows[0].expire) } : null;
}

const rowOf = (key: string) => db.rateLimiterFlexible.findUnique({ where: { key } });

describe("transaction scripts", () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  it("commit what they wrote, in the form Prisma reads, whatever the process's time zone", async () => {
    process.env.TZ = "America/Los_Angeles";
    const key = randomUUID();
    const expire = new Date("2026-03-08T09:30:00.123Z"); // a DST change in Los Angeles
    await runTransaction(() => insertRow(key, 7, expire));

    expect(await rowOf(key)).toEqual({ key, points: 7, expire });
  });

  it("read what Prisma wrote, whatever the process's time zone", async () => {
    process.env.TZ = "Asia/Kolkata";
    const key = randomUUID();
    const expire = new Date("2026-11-21T23:59:59.999Z");
    await db.rateLimiterFlexible.create({ data: { key, points: 3, expire } });

    expect(await runTransaction(() => readRow(key))).toEqual({ points: 3, expire });
    // and compare dates in SQL as Prisma stores them
    expect(await runTransaction(() => countLaterThan(key, new Date(expire.getTime() - 1)))).toBe(1);
    expect(await runTransaction(() => countLaterThan(key, expire))).toBe(0);
  });

  it("roll back every statement when one fails", async () => {
    const first = randomUUID();
    const taken = randomUUID();
    await runTransaction(() => insertRow(taken, 1, new Date()));

    await expect(
      runTransaction(function* () {
        yield* insertRow(first, 1, new Date());
        yield* insertRow(taken, 1, new Date()); // unique key
      }),
    ).rejects.toThrow();

    expect(await rowOf(first)).toBeNull();
  });

  it("roll back when the script itself throws", async () => {
    const key = randomUUID();
    await expect(
      runTransaction(function* () {
        yield* insertRow(key, 1, new Date());
        throw new Error("changed its mind");
      }),
    ).rejects.toThrow("changed its mind");

    expect(await rowOf(key)).toBeNull();
  });

  it("never join an interactive Prisma transaction that is open at the time", async () => {
    const inPrisma = randomUUID();
    const inScript = randomUUID();
    let insideTransaction!: () => void;
    const opened = new Promise<void>((resolve) => (insideTransaction = resolve));
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));

    const prismaTransaction = db
      .$transaction(async (tx) => {
        await tx.rateLimiterFlexible.create({ data: { key: inPrisma, points: 1, expire: new Date() } });
        insideTransaction();
        await finished;
        throw new Error("roll back");
      })
      .catch((error: unknown) => error);
    await opened;
    const script = runTransaction(() => insertRow(inScript, 1, new Date()));
    setTimeout(finish, 50);
    await script;

    expect(await prismaTransaction).toBeInstanceOf(Error);
    expect(await rowOf(inPrisma)).toBeNull();
    expect(await rowOf(inScript)).not.toBeNull();
  });
});

function* countLaterThan(key: string, instant: Date): SqlScript<number> {
  const rows = yield* query(Prisma.sql`SELECT COUNT(*) AS "n" FROM "RateLimiterFlexible" WHERE "key" = ${key} AND "expire" > ${instant}`);
  return rows[0] ? int(rows[0].n) : 0;
}
