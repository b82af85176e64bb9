import "server-only";

import { type Columns, decodeRow } from "@/lib/server/db/columns";
import type { Prisma } from "@/lib/generated/sqlite/client";

/**
 * A transaction script: the statements of one transaction written once, as a generator that yields each
 * statement and receives its result. `runTransaction` runs it synchronously on SQLite (the whole script, BEGIN to
 * COMMIT, inside one turn of the event loop) and on one pooled client with awaits on PostgreSQL. Statements are
 * `Prisma.sql` templates, so the same text serves better-sqlite3 (`?`) and pg (`$1`). A script cannot await, so
 * it cannot wait for anything but its own statements.
 *
 *     const customerColumns = { id: int };
 *     function* findCustomerId(email: string): SqlScript<number | null> {
 *       const [customer] = yield* query(Prisma.sql`SELECT "id" FROM "Customer" WHERE "email" = ${email}`, customerColumns);
 *       return customer?.id ?? null;
 *     }
 */
export type Statement = Prisma.Sql;

/** A row as the driver returns it, before `query` decodes it. */
type RawRow = Readonly<Record<string, unknown>>;

export type Step = { readonly statement: Statement; readonly returns: "rows" | "changes" };

export type SqlScript<T> = Generator<Step, T, RawRow[] | number>;

/** Runs a statement that returns rows (a SELECT, or a write with RETURNING), decoded through its declared columns. */
export function* query<T>(statement: Statement, columns: Columns<T>): SqlScript<T[]> {
  const rows = yield { statement, returns: "rows" };
  if (!Array.isArray(rows)) throw new TypeError("a query step must be answered with rows");
  return rows.map((row) => decodeRow(columns, row));
}

/** Runs a write and returns how many rows it changed. */
export function* execute(statement: Statement): SqlScript<number> {
  const changes = yield { statement, returns: "changes" };
  if (typeof changes !== "number") throw new TypeError("an execute step must be answered with a row count");
  return changes;
}
