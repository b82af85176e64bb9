import "server-only";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import Database from "better-sqlite3";
import pg from "pg";

import { getConfig } from "@/lib/config";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { Prisma, PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";
import { committingGroupBeforeUse } from "@/lib/server/sql/sqlite-group-commit";

/**
 * The Prisma client for DATABASE_URL: SQLite through better-sqlite3 for a `file:` URL, PostgreSQL through pg
 * otherwise. Both clients are generated from the same models, so the SQLite client's type describes both.
 */
export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;

/**
 * The driver connection under the Prisma client, for the transaction scripts of the hot paths
 * (`lib/server/sql`): the one better-sqlite3 connection, or the one pg pool. Sharing them keeps one writer
 * per SQLite file in the process and one pool per PostgreSQL database.
 */
export type Driver = { provider: "sqlite"; connection: Database.Database } | { provider: "postgresql"; pool: pg.Pool };

interface DbState {
  db: Db;
  pool: pg.Pool | null;
  /** Filled in when Prisma opens the SQLite file (lazily, and again after a `$disconnect`). */
  sqlite: { connection: Database.Database | null } | null;
}

/**
 * SQLite tuned for a server: in WAL mode (set on the file by the migration step), `synchronous = NORMAL`
 * syncs at checkpoints instead of every commit — still never corrupts, and a write costs a fraction.
 */
class ServerSqliteAdapter extends PrismaBetterSQLite3 {
  constructor(
    url: string,
    private readonly onConnect: (connection: Database.Database) => void,
  ) {
    super({ url, timeout: 10_000 });
  }

  override async connect() {
    const adapter = await super.connect();
    // temp_store: the sub-journals of the transaction scripts' savepoints stay in memory (sqlite-group-commit.ts).
    await adapter.executeScript("PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY;");
    if (!("client" in adapter) || !(adapter.client instanceof Database)) throw new Error("the SQLite adapter no longer exposes its connection");
    this.onConnect(adapter.client);
    // Prisma's statements and transactions commit the transaction scripts' open group first.
    adapter.client = committingGroupBeforeUse(adapter.client);
    return adapter;
  }
}

function createState(url: string): DbState {
  if (url.startsWith("file:")) {
    // One connection per process: better-sqlite3 is synchronous and the adapter serializes transactions.
    const sqlite: DbState["sqlite"] = { connection: null };
    const db = new SqliteClient({ adapter: new ServerSqliteAdapter(url, (connection) => (sqlite.connection = connection)) });
    return { db, pool: null, sqlite };
  }
  const pool = new pg.Pool({ connectionString: url, max: getConfig().database.poolSize });
  const db = new PostgresClient({ adapter: new PrismaPg(pool) }) as unknown as Db;
  return { db, pool, sqlite: null };
}

/** A client of its own, for scripts that talk to another database than the app's. */
export function createDb(url: string): Db {
  return createState(url).db;
}

const globalForDb = globalThis as unknown as { dbState?: DbState };

/** One client per process, kept on globalThis so dev-mode reloads do not open new connections. */
function dbState(): DbState {
  globalForDb.dbState ??= createState(getConfig().database.url);
  return globalForDb.dbState;
}

export function getDb(): Db {
  return dbState().db;
}

/** The driver under `getDb()`, connecting it first when needed (and again after a `$disconnect`). */
export async function getDriver(): Promise<Driver> {
  const state = dbState();
  if (state.pool) return { provider: "postgresql", pool: state.pool };
  if (!state.sqlite?.connection?.open) await state.db.$connect();
  const connection = state.sqlite?.connection;
  if (!connection?.open) throw new Error("the SQLite connection did not open");
  return { provider: "sqlite", connection };
}

/** P2002: the write broke a unique constraint (another request created the same row first). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "P2002";
}

/** The generated namespace: its types, and `Prisma.sql` for statements (the same in both generated clients). */
export { Prisma };
