import "server-only";

import type { BuiltStatement } from "@/lib/server/db/builder";
import { type Columns, decodeRow } from "@/lib/server/db/columns";
import type { Prisma } from "@/lib/generated/sqlite/client";

/**
 * A transaction script: the statements of one transaction written once, as a generator that yields each
 * statement and receives its result. `runTransaction` runs it synchronously on SQLite (the whole script, BEGIN to
 * COMMIT, inside one turn of the event loop) and on one pooled client with awaits on PostgreSQL. A script cannot
 * await, so it cannot wait for anything but its own statements.
 *
 * A statement is built with Kysely over the generated row types (builder.ts), and its rows have the types its
 * select names; the runner compiles it for the database in use and reads each value as its column's type. A
 * `Prisma.sql` template (the same text serves better-sqlite3's `?` and pg's `$1`) is decoded through declared
 * columns (columns.ts); it remains for what Kysely cannot say.
 *
 *     const customerIdByEmail = prepare((p: Parameters<{ email: string }>) =>
 *       sqlBuilder.selectFrom("Customer").select("id").where("email", "=", p.email));
 *     function* findCustomerId(email: string): SqlScript<number | null> {
 *       const [customer] = yield* query(customerIdByEmail({ email }));
 *       return customer?.id ?? null;
 *     }
 */
export type Statement = Prisma.Sql | BuiltStatement;

/** A row as the driver returns it, before `query` decodes it. */
type RawRow = Readonly<Record<string, unknown>>;

export type Step = { readonly statement: Statement; readonly returns: "rows" | "changes" };

export type SqlScript<T> = Generator<Step, T, RawRow[] | number>;

/**
 * Runs a statement that returns rows (a SELECT, or a write with RETURNING): a built one's rows as its columns'
 * types, a template's decoded through its declared columns.
 */
export function query<T>(statement: BuiltStatement<T>): SqlScript<T[]>;
export function query<T>(statement: Prisma.Sql, columns: Columns<T>): SqlScript<T[]>;
export function* query<T>(statement: Statement, columns?: Columns<T>): SqlScript<T[]> {
  const rows = yield { statement, returns: "rows" };
  if (!Array.isArray(rows)) throw new TypeError("a query step must be answered with rows");
  return columns ? rows.map((row) => decodeRow(columns, row)) : (rows as T[]);
}

/** Runs a write and returns how many rows it changed. */
export function* execute(statement: Statement): SqlScript<number> {
  const changes = yield { statement, returns: "changes" };
  if (typeof changes !== "number") throw new TypeError("an execute step must be answered with a row count");
  return changes;
}
