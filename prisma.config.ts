// Prisma CLI configuration for both providers. DATABASE_URL picks the schema folder, its migrations and the
// driver adapter: `file:` means SQLite (prisma/sqlite), anything else PostgreSQL (prisma/postgres).
// Prisma 6.19 runs its schema engine as Wasm through the adapter, so nothing is downloaded; the wrappers
// below work around the traps listed in the stack notes (numbers refer to them).
import { randomUUID } from "node:crypto";
import path from "node:path";

import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { Pool, type PoolConfig } from "pg";
import { defineConfig } from "prisma/config";

// (3) With a config file Prisma does not load .env itself.
try {
  process.loadEnvFile();
} catch {
  // no .env: the environment alone configures the CLI
}

// (2) Never try to download engines.
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= "/bin/false";
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= "/bin/false";
process.env.CHECKPOINT_DISABLE ??= "1";

// (4) The Wasm schema engine arms long timers it never clears; let the CLI exit when its work is done.
const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
  const timer = originalSetTimeout(...args);
  if (typeof args[1] === "number" && args[1] >= 5000) timer.unref();
  return timer;
}) as typeof setTimeout;

const databaseUrl = process.env.DATABASE_URL || "file:./.data/app.db";
const provider = databaseUrl.startsWith("file:") ? "sqlite" : "postgres";
const folder = path.join("prisma", provider);

type Adapter = Awaited<ReturnType<SqlMigrationAwareDriverAdapterFactory["connect"]>>;

// (5) The SQLite shadow database replays multi-statement migrations with executeRaw, which better-sqlite3
// rejects; run those as a script instead.
function sqliteFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaBetterSQLite3({ url, timeout: 10_000 });
  const connectToShadowDb = factory.connectToShadowDb.bind(factory);
  return Object.assign(factory, {
    async connectToShadowDb() {
      const shadow = await connectToShadowDb();
      const executeRaw = shadow.executeRaw.bind(shadow);
      shadow.executeRaw = async (query) => {
        try {
          return await executeRaw(query);
        } catch (error) {
          if (!String((error as Error).message ?? error).includes("more than one statement")) throw error;
          await shadow.executeScript(query.sql);
          return 0;
        }
      };
      return shadow;
    },
  });
}

// (6) The pg adapter cannot deserialize catalog columns of type `name` (19) and `"char"` (18): read them as text.
const PG_TEXT_OID = 25;
const PG_CATALOG_OIDS = new Set([18, 19]);

function relabelCatalogTypes<T extends { performIO: (...args: never[]) => Promise<unknown> }>(queryable: T): T {
  const performIO = queryable.performIO.bind(queryable) as (
    ...args: unknown[]
  ) => Promise<{ fields?: { dataTypeID: number }[] }>;
  (queryable as { performIO: unknown }).performIO = async (...args: unknown[]) => {
    const result = await performIO(...args);
    for (const field of result.fields ?? []) {
      if (PG_CATALOG_OIDS.has(field.dataTypeID)) field.dataTypeID = PG_TEXT_OID;
    }
    return result;
  };
  return queryable;
}

function withCatalogFix(adapter: Adapter): Adapter {
  relabelCatalogTypes(adapter as unknown as { performIO: () => Promise<unknown> });
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) =>
    relabelCatalogTypes((await startTransaction(...args)) as unknown as { performIO: () => Promise<unknown> }) as never;
  return adapter;
}

// (7) Discrete connection fields, so the shadow database name is honoured.
function pgPoolConfig(url: string, database?: string): PoolConfig {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: database ?? decodeURIComponent(parsed.pathname.slice(1)),
    allowExitOnIdle: true,
  };
}

function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const factory = new PrismaPg(pgPoolConfig(url));
  const connect = factory.connect.bind(factory);
  return Object.assign(factory, {
    async connect() {
      return withCatalogFix(await connect());
    },
    async connectToShadowDb() {
      const admin = new Pool(pgPoolConfig(url));
      const shadowName = `prisma_shadow_${randomUUID().replaceAll("-", "")}`;
      await admin.query(`CREATE DATABASE "${shadowName}"`);
      const shadowPool = new Pool(pgPoolConfig(url, shadowName));
      const shadow = withCatalogFix(await new PrismaPg(shadowPool).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await shadowPool.end().catch(() => undefined);
        await admin.query(`DROP DATABASE IF EXISTS "${shadowName}"`);
        await admin.end();
      };
      return shadow;
    },
  });
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: folder,
  migrations: { path: path.join(folder, "migrations"), seed: "tsx --conditions=react-server prisma/seed.ts" },
  // (9) A SQLite file: path is relative to the working directory.
  adapter: async () => (provider === "sqlite" ? sqliteFactory(databaseUrl) : postgresFactory(databaseUrl)),
});
