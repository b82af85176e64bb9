import "server-only";

import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  SqliteQueryCompiler,
  type Compilable,
  type InferResult,
  type OperationNodeSource,
  type RawBuilder,
  type RootOperationNode,
} from "kysely";

import type { DatabaseProvider } from "@/lib/config";
import type { DB } from "@/lib/generated/kysely/types";

/**
 * Statements written with Kysely over the row types generated from `prisma/models.prisma` (prisma-kysely, in
 * `npm install`'s `prisma generate`): a table or column renamed in the models fails the typecheck wherever a
 * statement names it, and a statement's rows have the types its select names. Kysely here only builds and
 * compiles; the transaction scripts' runner (transaction.ts) runs what it compiles, for the database in use, with
 * its own transactions, so nothing of the data layer's one rule changes (index.ts).
 *
 * The builder is one instance that never connects. A statement is compiled when it runs, by the compiler of the
 * database it runs on (`?` placeholders for SQLite, `$1` for PostgreSQL), and a prepared one (`prepare`) is built
 * and compiled once per database: a hot statement costs a lookup, not a build (about 40 µs a statement).
 */
export const sqlBuilder = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

export { sql };

/** A statement compiled for one database: its text and its values, in placeholder order. */
interface CompiledStatement {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/** Where a prepared statement takes a value when it is bound: the name of the argument. */
class Placeholder {
  constructor(readonly name: string) {}
}

const compilers = { sqlite: new SqliteQueryCompiler(), postgresql: new PostgresQueryCompiler() } as const;

/** Compiled texts of a statement's operation tree, per database (a prepared statement keeps one tree for ever). */
const compiledTrees = new WeakMap<RootOperationNode, Partial<Record<DatabaseProvider, CompiledStatement>>>();

/**
 * A statement built with `sqlBuilder`, typed by the rows it returns (`Row`), bound to its values. The runner asks
 * for it compiled for its database.
 */
export class BuiltStatement<Row = unknown> {
  declare readonly row: Row;

  constructor(
    private readonly tree: RootOperationNode,
    private readonly bindings: object | null,
  ) {}

  compiledFor(provider: DatabaseProvider): CompiledStatement {
    let byProvider = compiledTrees.get(this.tree);
    if (!byProvider) compiledTrees.set(this.tree, (byProvider = {}));
    const compiled = (byProvider[provider] ??= compile(this.tree, provider));
    const { bindings } = this;
    if (!bindings) return compiled;
    return {
      sql: compiled.sql,
      values: compiled.values.map((value) =>
        value instanceof Placeholder ? (bindings as Record<string, unknown>)[value.name] : value,
      ),
    };
  }
}

/** What Kysely's builders make: a query that compiles, from its operation tree. */
type Statementlike = Compilable & OperationNodeSource;

function compile(tree: RootOperationNode, provider: DatabaseProvider): CompiledStatement {
  const { sql, parameters } = compilers[provider].compileQuery(tree, { queryId: "" } as never);
  return { sql, values: parameters };
}

/** A statement built for one run (its shape depends on its input): built and compiled each time it runs. */
export function built<Q extends Statementlike>(statement: Q): BuiltStatement<InferResult<Q>[number]> {
  return new BuiltStatement(statement.toOperationNode() as RootOperationNode, null);
}

/** The values a prepared statement takes, as expressions to place in it. */
export type Parameters<P> = { readonly [K in keyof P]: RawBuilder<P[K]> };

/**
 * A statement of fixed shape, built once with placeholders for its values and bound to them at each run:
 *
 *     const customerIdByEmail = prepare((p: Parameters<{ businessId: number; email: string }>) =>
 *       sqlBuilder.selectFrom("Customer").select("id").where("businessId", "=", p.businessId).where("email", "=", p.email));
 *     const [customer] = yield* query(customerIdByEmail({ businessId, email }));
 */
export function prepare<P extends object, Q extends Statementlike>(
  build: (parameters: Parameters<P>) => Q,
): (values: P) => BuiltStatement<InferResult<Q>[number]> {
  let tree: RootOperationNode | undefined;
  return (values) => {
    tree ??= build(placeholders<P>()).toOperationNode() as RootOperationNode;
    return new BuiltStatement(tree, values);
  };
}

function placeholders<P>(): Parameters<P> {
  return new Proxy({} as Parameters<P>, {
    get: (_target, name) => sql`${new Placeholder(String(name))}`,
  });
}
