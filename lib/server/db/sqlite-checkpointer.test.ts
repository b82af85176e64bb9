import { statSync } from "node:fs";

import { describe, expect, it } from "vitest";

import { getDb, getDriver, Prisma } from "@/lib/server/db";
import { startSqliteCheckpointer } from "@/lib/server/db/sqlite-checkpointer";

const onSqlite = process.env.TEST_DATABASE_PROVIDER !== "postgresql";

describe.runIf(onSqlite)("SQLite checkpointer", () => {
  it("copies committed pages into the database file from its own thread, while the serving connection leaves them in the WAL", async () => {
    const driver = await getDriver();
    if (driver.provider !== "sqlite") throw new Error("expected SQLite");
    const file = driver.connection.name;
    driver.connection.pragma("journal_mode = WAL"); // as `npm start` leaves the app's database
    const stop = await startSqliteCheckpointer({ intervalMs: 50 });
    try {
      expect(Number(driver.connection.pragma("wal_autocheckpoint", { simple: true }))).toBe(10_000);
      driver.connection.pragma("wal_checkpoint(TRUNCATE)");
      const before = statSync(file).size;

      // ~2 MB of rows: far below the backstop, so only the checkpointer can move them into the file.
      const detail = "x".repeat(2000);
      for (let row = 0; row < 1000; row++) {
        await getDb().$executeRaw(
          Prisma.sql`INSERT INTO "AuditEvent" ("type", "actor", "detail", "createdAt") VALUES ('checkpoint.test', 'system', ${detail}, ${new Date()})`,
        );
      }
      await expect.poll(() => statSync(file).size, { timeout: 5000 }).toBeGreaterThan(before + 1_000_000);
    } finally {
      await stop();
    }
  });
});
