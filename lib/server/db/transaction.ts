import "server-only";

import type Database from "better-sqlite3";
import pg from "pg";

import { getDriver, prepared } from "@/lib/server/db/client";
import { sqliteTimestamp } from "@/lib/server/db/columns";
import type { SqlScript, Step } from "@/lib/server/db/script";

/**
 * The one way to run a transaction (script.ts): `runTransaction` for a script that writes, `runReadOnly` for one
 * that only reads.
 *
 * SQLite: the script runs on the connection Prisma uses, synchronously from BEGIN to COMMIT, so nothing else in
 * the process runs while its transaction is open and no transaction is ever open across an await. A writing
 * script takes the write lock up front (BEGIN IMMEDIATE), as a read-then-write transaction must; a reading one
 * takes none (a deferred BEGIN: one consistent snapshot, never waiting for a writer in WAL mode).
 * PostgreSQL: on one client of the shared pool; a writing script in a READ COMMITTED transaction, a reading one
 * statement by statement, each seeing what was committed when it ran.
 */
export async function runTransaction<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  return driver.provider === "sqlite" ? runOnSqlite(driver.connection, script, "BEGIN IMMEDIATE") : runOnPostgres(driver.pool, script, true);
}

export async function runReadOnly<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  return driver.provider === "sqlite" ? runOnSqlite(driver.connection, script, "BEGIN") : runOnPostgres(driver.pool, script, false);
}

// ---- SQLite ----

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}

function runOnSqlite<T>(connection: Database.Database, script: () => SqlScript<T>, begin: "BEGIN" | "BEGIN IMMEDIATE"): T {
  // Cannot happen while every transaction is a script run here: nothing else may begin one on this connection.
  if (connection.inTransaction) throw new Error("a transaction is already open on the SQLite connection");
  const perform = (step: Step) => {
    const statement = prepared(connection, step.statement.sql);
    const values = step.statement.values.map(sqliteValue);
    return step.returns === "rows" ? (statement.all(...values) as Record<string, unknown>[]) : statement.run(...values).changes;
  };
  prepared(connection, begin).run();
  try {
    const steps = script();
    let next = steps.next();
    while (!next.done) next = steps.next(perform(next.value));
    prepared(connection, "COMMIT").run();
    return next.value;
  } catch (error) {
    // SQLite may have rolled back already (an I/O error, a full disk); a failed COMMIT may have left it open.
    if (connection.inTransaction) prepared(connection, "ROLLBACK").run();
    throw error;
  }
}

// ---- PostgreSQL ----

/** Prisma stores DateTime as UTC in `timestamp(3)`: read it back as UTC, whatever the process's time zone. */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.TIMESTAMP ? (value: string) => new Date(`${value.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format),
};

/** Dates are sent as UTC ISO text, which a `timestamp` column takes as UTC wall time — as Prisma writes them. */
function pgValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

async function runOnPostgres<T>(pool: pg.Pool, script: () => SqlScript<T>, inTransaction: boolean): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    if (inTransaction) await client.query("BEGIN");
    try {
      const steps = script();
      let next = steps.next();
      while (!next.done) {
        const { statement, returns } = next.value;
        const result = await client.query({ text: statement.text, values: statement.values.map(pgValue), types: pgTypes });
        next = steps.next(returns === "rows" ? result.rows : (result.rowCount ?? 0));
      }
      if (inTransaction) await client.query("COMMIT");
      return next.value;
    } catch (error) {
      if (inTransaction) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
      }
      throw error;
    }
  } finally {
    // A client whose rollback failed is in an unknown state: the pool discards it.
    client.release(broken);
  }
}

// ---- Health ----

/**
 * Whether a write transaction can begin within `deadlineMs`: what a wedged instance cannot do. Begins one and
 * rolls it back, writing nothing. SQLite: waits for another process's write lock at most the deadline (the
 * connection's busy timeout is lowered for the probe), and fails at once if a transaction is open in this process,
 * which the contract above rules out. PostgreSQL: a pooled client and a READ WRITE transaction within the
 * deadline (a standby or an exhausted pool fails it).
 */
export async function canBeginWriteTransaction(deadlineMs: number): Promise<boolean> {
  const driver = await getDriver();
  if (driver.provider === "sqlite") {
    const { connection } = driver;
    if (connection.inTransaction) return false;
    const busyTimeout = connection.pragma("busy_timeout", { simple: true }) as number;
    connection.pragma(`busy_timeout = ${Math.round(deadlineMs)}`);
    try {
      prepared(connection, "BEGIN IMMEDIATE").run();
      prepared(connection, "ROLLBACK").run();
      return true;
    } catch {
      return false;
    } finally {
      connection.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }
  const probe = (async () => {
    const client = await driver.pool.connect();
    try {
      await client.query("BEGIN READ WRITE");
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  try {
    return await Promise.race([probe.then(() => true), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    probe.catch(() => undefined);
  }
}
