import "server-only";

import type Database from "better-sqlite3";
import pg from "pg";

import { getDriver } from "@/lib/server/db";
import type { SqlScript, Step } from "@/lib/server/sql/script";
import { groupIsOpen, prepared, runInGroup } from "@/lib/server/sql/sqlite-group-commit";
import { sqliteTimestamp } from "@/lib/server/sql/values";

/**
 * Runs a transaction script (script.ts) on the driver under Prisma, committing when the script returns and
 * rolling back when it or a statement throws. This is the hot paths' way to the database: a statement here
 * costs a few microseconds on SQLite instead of Prisma's 0.1–0.45 ms (docs/benchmarks.md).
 *
 * SQLite: the script runs synchronously, start to end, on the connection Prisma uses. Nothing else in the
 * process can run in between, so it needs no lock of its own; the scripts of one turn of the event loop share
 * one COMMIT at its end (sqlite-group-commit.ts), and each resolves once that COMMIT is done. A script only waits
 * while one of Prisma's interactive transactions is open on the connection (it would otherwise join it).
 * PostgreSQL: on one client of the shared pool, in a READ COMMITTED transaction like Prisma's.
 */
export async function runTransaction<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  if (driver.provider === "sqlite") {
    // A transaction open on the connection that is not the scripts' group is one of Prisma's: wait for its end.
    while (driver.connection.inTransaction && !groupIsOpen(driver.connection)) await new Promise((resolve) => setImmediate(resolve));
    return runOnSqlite(driver.connection, script);
  }
  return runOnPostgres(driver.pool, script);
}

// ---- SQLite ----

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}

function runOnSqlite<T>(connection: Database.Database, script: () => SqlScript<T>): Promise<T> {
  const perform = (step: Step) => {
    const statement = prepared(connection, step.statement.sql);
    const values = step.statement.values.map(sqliteValue);
    return step.returns === "rows" ? (statement.all(...values) as Record<string, unknown>[]) : statement.run(...values).changes;
  };
  return runInGroup(connection, () => {
    const steps = script();
    let next = steps.next();
    while (!next.done) next = steps.next(perform(next.value));
    return next.value;
  });
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

async function runOnPostgres<T>(pool: pg.Pool, script: () => SqlScript<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query("BEGIN");
    try {
      const steps = script();
      let next = steps.next();
      while (!next.done) {
        const { statement, returns } = next.value;
        const result = await client.query({ text: statement.text, values: statement.values.map(pgValue), types: pgTypes });
        next = steps.next(returns === "rows" ? result.rows : (result.rowCount ?? 0));
      }
      await client.query("COMMIT");
      return next.value;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    }
  } finally {
    // A client whose rollback failed is in an unknown state: the pool discards it.
    client.release(broken);
  }
}
