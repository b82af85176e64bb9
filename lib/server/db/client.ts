import "server-only";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import Database from "better-sqlite3";
import pg from "pg";

import { getConfig } from "@/lib/config";
import { logger } from "@/lib/server/logger";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";

/**
 * The Prisma client for DATABASE_URL and the driver connection under it, created once per process. Both clients
 * are generated from the same models, so the SQLite client's type describes both. What would make Prisma begin a
 * transaction is left out of the type — `$transaction`, and the bulk operations it wraps in one — and the
 * adapters refuse to begin one at run time, for what the type cannot see (a nested write). See index.ts for why.
 */
type MultiStatementOperation = "createMany" | "createManyAndReturn" | "updateMany" | "updateManyAndReturn";
export type Db = {
  [K in Exclude<keyof SqliteClient, "$transaction">]: K extends `$${string}`
    ? SqliteClient[K]
    : Omit<SqliteClient[K], MultiStatementOperation>;
};

/**
 * The driver under the Prisma client: the one better-sqlite3 connection, or the pg pools — the one Prisma and
 * the transaction scripts share, and a small one for the rate-limit counters (`runAsyncCommit`).
 */
type Driver =
  | { provider: "sqlite"; connection: Database.Database }
  | { provider: "postgresql"; pool: pg.Pool; counterPool: pg.Pool };

interface DbState {
  db: Db;
  pool: pg.Pool | null;
  counterPool: pg.Pool | null;
  /** Filled in when Prisma opens the SQLite file (lazily, and again after a `$disconnect`). */
  sqlite: { connection: Database.Database | null } | null;
  /** Prepared statements of the transaction scripts, per SQLite connection. */
  prepared: WeakMap<Database.Database, Map<string, Database.Statement>>;
}

/** How long a SQLite statement waits for another process's write lock (the mail worker process, a CLI). */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

export class PrismaTransactionRefused extends Error {
  constructor() {
    super(
      "Prisma may not begin a transaction: write a transaction script and run it with runTransaction (lib/server/db)",
    );
    this.name = "PrismaTransactionRefused";
  }
}

/** The adapter as Prisma gets it: everything but `startTransaction`, which fails at once and holds nothing. */
function refusingTransactions<A extends SqlDriverAdapter>(adapter: A): A {
  adapter.startTransaction = () => Promise.reject(new PrismaTransactionRefused());
  return adapter;
}

/**
 * SQLite tuned for a server: in WAL mode (set on the file by the migration step), `synchronous = NORMAL` syncs at
 * checkpoints instead of every commit — a crash of the process loses nothing committed, a crash of the machine
 * at most the last commits, and it never corrupts the file.
 */
class ServerSqliteAdapter extends PrismaBetterSQLite3 {
  constructor(
    url: string,
    private readonly onConnect: (connection: Database.Database) => void,
  ) {
    super({ url, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }

  override async connect() {
    const adapter = await super.connect();
    if (!("client" in adapter) || !(adapter.client instanceof Database))
      throw new Error("the SQLite adapter no longer exposes its connection");
    adapter.client.pragma("synchronous = NORMAL");
    // The savepoints of a batch of scripts (transaction.ts) keep their sub-journal in memory, not in a temp file.
    adapter.client.pragma("temp_store = MEMORY");
    this.onConnect(adapter.client);
    return refusingTransactions(adapter);
  }
}

class ServerPgAdapter extends PrismaPg {
  override async connect() {
    return refusingTransactions(await super.connect());
  }
}

function createState(url: string): DbState {
  const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
  if (url.startsWith("file:")) {
    const sqlite: DbState["sqlite"] = { connection: null };
    const db = new SqliteClient({
      adapter: new ServerSqliteAdapter(url, (connection) => (sqlite.connection = connection)),
    });
    return { db, pool: null, counterPool: null, sqlite, prepared };
  }
  const { poolSize, counterPoolSize } = getConfig().database;
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Its sessions commit without waiting for the WAL flush: what they write (counters) may be lost in a crash of
  // the database server, never half-written, and an address's hot counter row is locked for microseconds, not
  // for a disk flush (transaction.ts, runAsyncCommit).
  const counterPool = new pg.Pool({
    connectionString: url,
    max: counterPoolSize,
    options: "-c synchronous_commit=off",
  });
  // An idle connection the server ended (a restart, a failover) is dropped by the pool; unheard, the pool's
  // "error" event would end the process.
  for (const each of [pool, counterPool])
    each.on("error", (error) => logger.warn("an idle PostgreSQL connection failed; the pool dropped it", { error }));
  const db = new PostgresClient({ adapter: new ServerPgAdapter(pool) }) as unknown as Db;
  return { db, pool, counterPool, sqlite: null, prepared };
}

/**
 * What the data layer keeps for the process lives on globalThis, not in a module: `next build` may put one module
 * in more than one chunk (instrumentation and the route handlers), and every copy must find the same client,
 * connection, statement cache and write queue.
 */
const processWideState = ((globalThis as unknown as { billingDataLayer?: Map<string, unknown> }).billingDataLayer ??=
  new Map());

export function processWide<T>(name: string, create: () => T): T {
  if (!processWideState.has(name)) processWideState.set(name, create());
  return processWideState.get(name) as T;
}

function dbState(): DbState {
  return processWide("db", () => createState(getConfig().database.url));
}

/** For command-line scripts: closes the client and the driver under it, so the process can exit at once. */
export async function disconnectDb(): Promise<void> {
  if (!processWideState.has("db")) return;
  const state = dbState();
  processWideState.delete("db");
  await state.db.$disconnect();
  await state.pool?.end();
  await state.counterPool?.end();
}

export function getDb(): Db {
  return dbState().db;
}

/** The driver under `getDb()`, connecting it first when needed (and again after a `$disconnect`). */
export async function getDriver(): Promise<Driver> {
  const state = dbState();
  if (state.pool && state.counterPool)
    return { provider: "postgresql", pool: state.pool, counterPool: state.counterPool };
  if (!state.sqlite?.connection?.open) await state.db.$connect();
  const connection = state.sqlite?.connection;
  if (!connection?.open) throw new Error("the SQLite connection did not open");
  return { provider: "sqlite", connection };
}

const MAX_PREPARED = 500;

/** A prepared statement by SQL text; the scripts' statements have fixed texts, so the cache stays small. */
export function prepared(connection: Database.Database, sql: string): Database.Statement {
  const { prepared: byConnection } = dbState();
  let cache = byConnection.get(connection);
  if (!cache) byConnection.set(connection, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_PREPARED) cache.clear();
    statement = connection.prepare(sql).safeIntegers(false);
    cache.set(sql, statement);
  }
  return statement;
}
