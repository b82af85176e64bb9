import "server-only";

import type { Prisma } from "@/lib/server/db";

/**
 * A transaction script: the statements of one transaction written once, as a generator that yields each
 * statement and receives its result. `runTransaction` runs it synchronously on SQLite (the whole script inside
 * one turn of the event loop, so nothing can interleave with it; the scripts of a turn share one COMMIT) and on
 * one pooled client with awaits on PostgreSQL. Statements are `Prisma.sql` templates, so the same text serves
 * Prisma, better-sqlite3 (`?`) and pg (`$1`).
 *
 *     function* findCustomerId(email: string): SqlScript<number | null> {
 *       const rows = yield* query(Prisma.sql`SELECT "id" FROM "Customer" WHERE "email" = ${email}`);
 *       return rows[0] ? int(rows[0].id) : null;
 *     }
 */
export type Statement = Prisma.Sql;

/** A row as the driver returns it; decode it with the readers of `values.ts`. */
export type Row = Readonly<Record<string, unknown>>;

export type Step = { readonly statement: Statement; readonly returns: "rows" | "changes" };

export type SqlScript<T> = Generator<Step, T, Row[] | number>;

/** Runs a statement that returns rows (a SELECT, or a write with RETURNING). */
export function* query(statement: Statement): SqlScript<Row[]> {
  const result = yield { statement, returns: "rows" };
  if (!Array.isArray(result)) throw new TypeError("a query step must be answered with rows");
  return result;
}

/** Runs a write and returns how many rows it changed. */
export function* execute(statement: Statement): SqlScript<number> {
  const result = yield { statement, returns: "changes" };
  if (typeof result !== "number") throw new TypeError("an execute step must be answered with a row count");
  return result;
}
