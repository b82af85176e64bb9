import "server-only";

import { statfs } from "node:fs/promises";
import path from "node:path";

import { getConfig } from "@/lib/config";
import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { execute } from "@/lib/server/db/script";
import { runOneWrite } from "@/lib/server/db/transaction";

/**
 * The health check's store (health.ts): each instance's row of "HealthProbe", whose write proves the database takes
 * one, and where the database keeps its data.
 */

const upsertProbe = prepare((p: Parameters<{ instance: string; checkedAt: Date }>) =>
  sqlBuilder
    .insertInto("HealthProbe")
    .values({ instance: p.instance, checkedAt: p.checkedAt })
    .onConflict((conflict) =>
      conflict.column("instance").doUpdateSet((eb) => ({ checkedAt: eb.ref("excluded.checkedAt") })),
    ),
);

/** Writes the instance's row of HealthProbe, one statement of its own. */
export async function writeHealthProbe(instance: string, checkedAt: Date): Promise<void> {
  await runOneWrite(() => execute(upsertProbe({ instance, checkedAt })));
}

/** The database's file on this host (SQLite), or null when a server keeps the data (PostgreSQL). */
export function databaseFile(): string | null {
  const { database } = getConfig();
  return database.provider === "sqlite" ? path.resolve(database.url.slice("file:".length)) : null;
}

/** Free bytes on the disk of the database's file; null when a server keeps the data, whose disk it watches itself. */
export async function freeBytesOnDatabaseDisk(): Promise<number | null> {
  const file = databaseFile();
  if (file === null) return null;
  const stats = await statfs(path.dirname(file));
  return stats.bavail * stats.bsize;
}
