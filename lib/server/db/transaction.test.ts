import { randomUUID } from "node:crypto";

import Database from "better-sqlite3";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  execute,
  getDb,
  getDriver,
  Prisma,
  PrismaTransactionRefused,
  query,
  runAsyncCommit,
  runOneWrite,
  runReadOnly,
  runTransaction,
  type SqlScript,
} from "@/lib/server/db";
import { built, type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { date, int } from "@/lib/server/db/columns";
import { createBusiness } from "@/test/factories";

/** The rate limiter's table is the simplest one with a key, an integer and a date: a good scratch table. */
const db = getDb();
const onSqlite = process.env.TEST_DATABASE_PROVIDER !== "postgresql";

function* insertRow(key: string, points = 1, expire = new Date()): SqlScript<void> {
  yield* execute(
    Prisma.sql`INSERT INTO "RateLimitWindow" ("key", "points", "expire") VALUES (${key}, ${points}, ${expire})`,
  );
}

function* readRow(key: string): SqlScript<{ points: number; expire: Date } | null> {
  const [row] = yield* query(Prisma.sql`SELECT "points", "expire" FROM "RateLimitWindow" WHERE "key" = ${key}`, {
    points: int,
    expire: date,
  });
  return row ?? null;
}

function* countLaterThan(key: string, instant: Date): SqlScript<number> {
  const [row] = yield* query(
    Prisma.sql`SELECT COUNT(*) AS "n" FROM "RateLimitWindow" WHERE "key" = ${key} AND "expire" > ${instant}`,
    { n: int },
  );
  return row?.n ?? 0;
}

const rowOf = (key: string) => db.rateLimitWindow.findUnique({ where: { key } });

/** A Prisma client as it would be if `$transaction` had not been left out of `Db`. */
type WithTransaction = { $transaction: (work: (tx: typeof db) => Promise<unknown>) => Promise<unknown> };

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
    await db.rateLimitWindow.create({ data: { key, points: 3, expire } });

    expect(await runReadOnly(() => readRow(key))).toEqual({ points: 3, expire });
    // and compare dates in SQL as Prisma stores them
    expect(await runReadOnly(() => countLaterThan(key, new Date(expire.getTime() - 1)))).toBe(1);
    expect(await runReadOnly(() => countLaterThan(key, expire))).toBe(0);
  });

  it("decode every row through its declared columns, and name the column that does not fit", async () => {
    const key = randomUUID();
    await runTransaction(() => insertRow(key));
    await expect(
      runReadOnly(() => query(Prisma.sql`SELECT "key" FROM "RateLimitWindow" WHERE "key" = ${key}`, { key: int })),
    ).rejects.toThrow(/column "key": expected an integer/);
  });

  it("roll back every statement when one fails", async () => {
    const first = randomUUID();
    const taken = randomUUID();
    await runTransaction(() => insertRow(taken));

    await expect(
      runTransaction(function* () {
        yield* insertRow(first);
        yield* insertRow(taken); // unique key
      }),
    ).rejects.toThrow();

    expect(await rowOf(first)).toBeNull();
  });

  it("roll back when the script itself throws", async () => {
    const key = randomUUID();
    await expect(
      runTransaction(function* () {
        yield* insertRow(key);
        throw new Error("changed its mind");
      }),
    ).rejects.toThrow("changed its mind");

    expect(await rowOf(key)).toBeNull();
  });
});

describe("one way to run a transaction", () => {
  it("a single write issued while another transaction is open survives that transaction's rollback", async () => {
    const inTransaction = randomUUID();
    const alone = randomUUID();
    let opened!: () => void;
    const isOpen = new Promise<void>((resolve) => (opened = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));

    // What the old data layer allowed: an interactive transaction, held open across awaits.
    const transaction = (db as unknown as WithTransaction)
      .$transaction(async (tx) => {
        await tx.rateLimitWindow.create({ data: { key: inTransaction, points: 1, expire: new Date() } });
        opened();
        await released;
        throw new Error("roll back");
      })
      .then(
        () => "committed",
        (error: unknown) => error,
      );
    // Either it opened, or it was refused before it could.
    await Promise.race([isOpen, transaction]);
    await db.rateLimitWindow.create({ data: { key: alone, points: 1, expire: new Date() } });
    release();
    await transaction;

    expect(await rowOf(alone)).not.toBeNull();
    expect(await rowOf(inTransaction)).toBeNull();
  });

  it("Prisma cannot begin a transaction, neither an interactive one nor one of its own for a nested write", async () => {
    await expect((db as unknown as WithTransaction).$transaction(async () => undefined)).rejects.toBeInstanceOf(
      PrismaTransactionRefused,
    );
    const business = await db.business.create({
      data: {
        name: "Nested",
        address: "-",
        currency: "GBP",
        locale: "en-GB",
        timeZone: "Europe/London",
        invoicePrefix: "N",
        taxId: "-",
      },
      select: { id: true },
    });
    await expect(
      db.business.update({
        where: { id: business.id },
        data: { products: { create: { name: "P", unitPriceMinor: 1, taxRateBp: 0 } } },
      }),
    ).rejects.toThrow(/transaction script/);
    expect(await db.product.count({ where: { businessId: business.id } })).toBe(0);
    // and the connection is not left waiting for anything
    await runTransaction(() => insertRow(randomUUID()));
  });

  it("a write issued while a transaction script is open survives the script's rollback", async () => {
    const inScript = randomUUID();
    const alone = randomUUID();
    let write: Promise<unknown> | undefined;
    const script = runTransaction(function* () {
      yield* insertRow(inScript);
      // Issued from inside the open transaction: on SQLite it cannot run before the script has ended; on
      // PostgreSQL it runs on another connection.
      write = db.rateLimitWindow.create({ data: { key: alone, points: 1, expire: new Date() } });
      yield* readRow(inScript);
      throw new Error("roll back");
    });
    await expect(script).rejects.toThrow("roll back");
    await write;

    expect(await rowOf(alone)).not.toBeNull();
    expect(await rowOf(inScript)).toBeNull();
  });

  it("reads neither take the write lock nor wait for a writer", async () => {
    const key = randomUUID();
    await runTransaction(() => insertRow(key, 5));
    const driver = await getDriver();
    // Another connection holds a write transaction on the same database (on SQLite: its write lock).
    const release = await holdWriteTransaction(driver, key);
    try {
      const started = performance.now();
      expect(await runReadOnly(() => readRow(key))).toMatchObject({ points: 5 });
      expect(performance.now() - started).toBeLessThan(500);
    } finally {
      await release();
    }
  });

  it("a write waiting for another process's write lock keeps the process responsive, and goes through once it is free", async () => {
    const key = randomUUID();
    await runTransaction(() => insertRow(key, 5));
    const driver = await getDriver();
    const release = await holdWriteTransaction(driver, key);
    let written = false;
    const waiting = runTransaction(() => insertRow(randomUUID())).then(() => (written = true));
    try {
      // Timers still fire on time and reads still answer while the write waits.
      const started = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(performance.now() - started).toBeLessThan(250);
      expect(await runReadOnly(() => readRow(key))).toMatchObject({ points: 5 });
      if (driver.provider === "sqlite") expect(written).toBe(false);
    } finally {
      await release();
    }
    await waiting;
    expect(written).toBe(true);
  });
});

async function holdWriteTransaction(
  driver: Awaited<ReturnType<typeof getDriver>>,
  key: string,
): Promise<() => Promise<void>> {
  if (driver.provider === "sqlite") {
    const other = new Database(driver.connection.name);
    other.prepare("BEGIN IMMEDIATE").run();
    other.prepare(`UPDATE "RateLimitWindow" SET "points" = 99 WHERE "key" = ?`).run(key);
    return async () => {
      other.prepare("ROLLBACK").run();
      other.close();
    };
  }
  const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await other.connect();
  await other.query("BEGIN");
  await other.query(`UPDATE "RateLimitWindow" SET "points" = 99 WHERE "key" = $1`, [key]);
  return async () => {
    await other.query("ROLLBACK");
    await other.end();
  };
}

describe.runIf(onSqlite)("SQLite: the writing scripts of one turn share one transaction", () => {
  // Another connection to the same file sees only what is committed.
  let other: Database.Database;
  const committedKeys = (...keys: string[]) =>
    keys.filter((key) => other.prepare(`SELECT 1 FROM "RateLimitWindow" WHERE "key" = ?`).get(key) !== undefined);

  beforeEach(async () => {
    const driver = await getDriver();
    if (driver.provider !== "sqlite") throw new Error("expected SQLite");
    other = new Database(driver.connection.name, { readonly: true });
  });
  afterEach(() => other.close());

  it("run together at the end of the turn, with no transaction open across an await; each resolves once committed", async () => {
    const driver = await getDriver();
    if (driver.provider !== "sqlite") throw new Error("expected SQLite");
    const [a, b] = [randomUUID(), randomUUID()];
    const scripts = [runTransaction(() => insertRow(a)), runTransaction(() => insertRow(b))];
    await new Promise((resolve) => process.nextTick(resolve));
    // Queued, not begun: nothing is open, and a read sees neither.
    expect(driver.connection.inTransaction).toBe(false);
    expect(await runReadOnly(() => readRow(a))).toBeNull();

    await scripts[0];
    expect(driver.connection.inTransaction).toBe(false);
    expect(committedKeys(a, b)).toEqual([a, b]);
    await scripts[1];
  });

  it("take back only the statements of a script that fails; the others of its batch are committed", async () => {
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

  it("all fail, with nothing kept, when their COMMIT fails; the connection is usable again", async () => {
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
    await runTransaction(() => insertRow(a));
    expect(committedKeys(a)).toEqual([a]);
  });
});

describe("PostgreSQL's hot paths: one write without BEGIN, counters without waiting for the disk", () => {
  it("runOneWrite refuses a statement after the script's write, before sending it, and keeps what it wrote (PostgreSQL)", async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const run = runOneWrite(function* () {
      yield* insertRow(first);
      yield* insertRow(second);
    });
    if (onSqlite) {
      // SQLite runs it as one transaction: both rows.
      await run;
      expect(await rowOf(second)).not.toBeNull();
    } else {
      await expect(run).rejects.toThrow(/a statement after the script's write/);
      expect(await rowOf(first)).not.toBeNull();
      expect(await rowOf(second)).toBeNull();
    }
  });

  it.runIf(!onSqlite)(
    "runOneWrite counts a SELECT … FOR UPDATE as a write: alone it would lock nothing (PostgreSQL)",
    async () => {
      const key = randomUUID();
      await runTransaction(() => insertRow(key));
      const run = runOneWrite(function* () {
        yield* query(Prisma.sql`SELECT "points" FROM "RateLimitWindow" WHERE "key" = ${key} FOR UPDATE`, {
          points: int,
        });
        yield* execute(Prisma.sql`UPDATE "RateLimitWindow" SET "points" = 9 WHERE "key" = ${key}`);
      });
      await expect(run).rejects.toThrow(/a statement after the script's write/);
      expect(await rowOf(key)).toMatchObject({ points: 1 });
    },
  );

  it("runOneWrite runs reads and then one write, which is committed when it resolves", async () => {
    const key = randomUUID();
    const seen = await runOneWrite(function* () {
      const before = yield* readRow(key);
      yield* insertRow(key, 7);
      return before;
    });
    expect(seen).toBeNull();
    expect(await rowOf(key)).toMatchObject({ points: 7 });
  });

  it.runIf(!onSqlite)(
    "the counters' sessions commit without waiting for the WAL flush; every other session waits for it",
    async () => {
      const setting = () =>
        query(Prisma.sql`SELECT current_setting('synchronous_commit') AS "value"`, {
          value: (value: unknown) => String(value),
        });
      expect(await runAsyncCommit(setting)).toEqual([{ value: "off" }]);
      expect(await runOneWrite(setting)).toEqual([{ value: "on" }]);
      expect(await runTransaction(setting)).toEqual([{ value: "on" }]);
    },
  );
});

describe.runIf(!onSqlite)("PostgreSQL's prepared statements", () => {
  it("a statement prepared before a migration changed its result still runs after it (on another connection)", async () => {
    const table = `scratch_${randomUUID().replaceAll("-", "")}`;
    const driver = await getDriver();
    if (driver.provider !== "postgresql") throw new Error("PostgreSQL only");
    await driver.pool.query(`CREATE TABLE "${table}" ("x" integer)`);
    await driver.pool.query(`INSERT INTO "${table}" VALUES (7)`);
    const read = () =>
      query(Prisma.sql`SELECT "x" FROM ${Prisma.raw(`"${table}"`)}`, { x: (value: unknown) => String(value) });
    expect(await runReadOnly(read)).toEqual([{ x: "7" }]);
    await driver.pool.query(`ALTER TABLE "${table}" ALTER COLUMN "x" TYPE text`);
    for (let run = 0; run < 12; run++) expect(await runReadOnly(read)).toEqual([{ x: "7" }]);
    await driver.pool.query(`DROP TABLE "${table}"`);
  });
});

describe("statements built over the generated row types", () => {
  const windowByKey = prepare((p: Parameters<{ key: string }>) =>
    sqlBuilder.selectFrom("RateLimitWindow").select(["key", "points", "expire"]).where("key", "=", p.key),
  );

  it("read dates as dates and truth values as booleans, on either database", async () => {
    const { productIds } = await createBusiness();
    const [row] = await runReadOnly(() =>
      query(
        built(sqlBuilder.selectFrom("Product").select(["id", "active", "createdAt"]).where("id", "=", productIds[0])),
      ),
    );
    expect(row).toEqual({ id: productIds[0], active: true, createdAt: expect.any(Date) });
    expect(Math.abs(row!.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("bind a prepared statement's values at each run, its shape compiled once", async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    const expire = new Date("2031-01-02T03:04:05.678Z");
    await runTransaction(function* () {
      yield* insertRow(first, 3, expire);
      yield* insertRow(second, 5, expire);
    });
    const rows = await runReadOnly(function* () {
      return [...(yield* query(windowByKey({ key: first }))), ...(yield* query(windowByKey({ key: second })))];
    });
    expect(rows).toEqual([
      { key: first, points: 3, expire },
      { key: second, points: 5, expire },
    ]);
    const compiled = windowByKey({ key: first }).compiledFor(onSqlite ? "sqlite" : "postgresql");
    expect(compiled.values).toEqual([first]);
    expect(compiled.sql).toBe(windowByKey({ key: second }).compiledFor(onSqlite ? "sqlite" : "postgresql").sql);
  });

  it("write through the same runner, inside its transactions", async () => {
    const key = randomUUID();
    await expect(
      runTransaction(function* () {
        yield* execute(built(sqlBuilder.insertInto("RateLimitWindow").values({ key, points: 1, expire: new Date() })));
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    expect(await rowOf(key)).toBeNull();
  });
});
