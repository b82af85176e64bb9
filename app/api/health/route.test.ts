import Database from "better-sqlite3";
import type pg from "pg";
import { describe, expect, it } from "vitest";

import { GET } from "@/app/api/health/route";
import { getConfig } from "@/lib/config";
import { getDriver } from "@/lib/server/db";

describe("GET /api/health", () => {
  it("answers 200 {status: ok} when a write transaction can begin", async () => {
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 503 when no write transaction can begin within about two seconds, and 200 again once one can", async () => {
    const release = await blockWrites();
    try {
      const started = performance.now();
      const response = await GET();
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "unavailable" });
      expect(performance.now() - started).toBeLessThan(4000);
    } finally {
      await release();
    }
    expect((await GET()).status).toBe(200);
  });
});

/** SQLite: another connection holds the write lock. PostgreSQL: every connection of the pool is taken. */
async function blockWrites(): Promise<() => Promise<void>> {
  const driver = await getDriver();
  if (driver.provider === "sqlite") {
    const other = new Database(driver.connection.name);
    other.prepare("BEGIN IMMEDIATE").run();
    return async () => {
      other.prepare("ROLLBACK").run();
      other.close();
    };
  }
  const clients: pg.PoolClient[] = [];
  for (let index = 0; index < getConfig().database.poolSize; index++) clients.push(await driver.pool.connect());
  return async () => {
    for (const client of clients) client.release();
  };
}
