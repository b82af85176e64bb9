import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";

import { getConfig } from "@/lib/config";
import { disconnectDb, getDb, Prisma, query, runReadOnly } from "@/lib/server/db";
import { assertDatabaseWritable } from "@/lib/server/health";
import { text } from "@/lib/server/db/columns";
import { seedIfEmpty } from "@/prisma/seed";

const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");

/** The committed migrations of the configured provider that the database has not applied yet (all, on a new one). */
async function pendingMigrations(): Promise<string[]> {
  const folder = path.join("prisma", getConfig().database.provider === "sqlite" ? "sqlite" : "postgres", "migrations");
  const committed = readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
  try {
    const applied = await runReadOnly(() =>
      query(
        Prisma.sql`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL AND "rolled_back_at" IS NULL`,
        {
          migration_name: text,
        },
      ),
    );
    const names = new Set(applied.map((row) => row.migration_name));
    return committed.filter((name) => !names.has(name));
  } catch {
    return committed; // no migrations table yet
  }
}

/**
 * Applies the committed migrations of the configured provider; Prisma's output is shown only on failure. Skipped
 * when none is pending: on SQLite, Prisma's migration engine wants the file to itself, and a mail worker process
 * or another instance that has it open would make a plain restart fail.
 */
async function migrateDatabase(): Promise<void> {
  const { database } = getConfig();
  if (database.provider === "sqlite") {
    const folder = path.resolve(path.dirname(database.url.slice("file:".length)));
    try {
      mkdirSync(folder, { recursive: true });
    } catch (error) {
      throw new Error(`the database's folder ${folder} cannot be created: ${(error as Error).message}`);
    }
  }
  if ((await pendingMigrations()).length === 0) return;
  // Our own connection has read the file: it would keep the migration engine out too.
  await disconnectDb();
  const result = spawnSync(prismaBin, ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: database.url },
    encoding: "utf8",
  });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout}${result.stderr}`);
    throw new Error(`prisma migrate deploy failed (exit code ${result.status ?? result.signal})`);
  }
}

/** Migrates, switches SQLite to write-ahead logging (kept in the file), and seeds an empty database. */
export async function prepareDatabase(): Promise<{ seeded: boolean }> {
  await migrateDatabase();
  const db = getDb();
  if (getConfig().database.provider === "sqlite") await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  // A read-only file or disk is refused here, in words, rather than by every checkout after the start.
  await assertDatabaseWritable();
  return { seeded: await seedIfEmpty() };
}
