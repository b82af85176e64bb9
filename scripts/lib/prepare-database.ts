import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";

import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";

const prismaBin = path.join(process.cwd(), "node_modules", ".bin", "prisma");

/** Applies the committed migrations of the configured provider; Prisma's output is shown only on failure. */
export function migrateDatabase(): void {
  const { database } = getConfig();
  if (database.provider === "sqlite") {
    mkdirSync(path.dirname(database.url.slice("file:".length)), { recursive: true });
  }
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
  migrateDatabase();
  const db = getDb();
  if (getConfig().database.provider === "sqlite") await db.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  return { seeded: await seedIfEmpty() };
}
