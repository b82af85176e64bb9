import "server-only";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

import { getConfig } from "@/lib/config";
import { PrismaClient as PostgresClient } from "@/lib/generated/postgres/client";
import { type Prisma, PrismaClient as SqliteClient } from "@/lib/generated/sqlite/client";

/**
 * The Prisma client for DATABASE_URL: SQLite through better-sqlite3 for a `file:` URL, PostgreSQL through pg
 * otherwise. Both clients are generated from the same models, so the SQLite client's type describes both.
 */
export type Db = SqliteClient;
export type Tx = Prisma.TransactionClient;

/**
 * SQLite tuned for a server: in WAL mode (set on the file by the migration step), `synchronous = NORMAL`
 * syncs at checkpoints instead of every commit — still never corrupts, and a write costs a fraction.
 */
class ServerSqliteAdapter extends PrismaBetterSQLite3 {
  override async connect() {
    const adapter = await super.connect();
    await adapter.executeScript("PRAGMA synchronous = NORMAL;");
    return adapter;
  }
}

export function createDb(url: string): Db {
  if (url.startsWith("file:")) {
    // One connection per process: better-sqlite3 is synchronous and the adapter serializes transactions.
    return new SqliteClient({ adapter: new ServerSqliteAdapter({ url, timeout: 10_000 }) });
  }
  const client = new PostgresClient({ adapter: new PrismaPg({ connectionString: url }) });
  return client as unknown as Db;
}

const globalForDb = globalThis as unknown as { db?: Db };

/** One client per process, kept on globalThis so dev-mode reloads do not open new connections. */
export function getDb(): Db {
  globalForDb.db ??= createDb(getConfig().database.url);
  return globalForDb.db;
}

/** P2002: the write broke a unique constraint (another request created the same row first). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === "P2002";
}

export type { Prisma };
