import Database from "better-sqlite3";
import type pg from "pg";

import { getConfig } from "@/lib/config";
import { getDriver, type Db } from "@/lib/server/db";

/**
 * Makes every insert into the outbox fail, with a database trigger (SQLite or PostgreSQL): a real fault at
 * the last step of the registration transaction, not a mock. Returns what removes it.
 */
export async function injectOutboxFault(db: Db): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL?.startsWith("file:")) {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER fail_outbox BEFORE INSERT ON "OutboxMessage" BEGIN SELECT RAISE(ABORT, 'injected outbox fault'); END`,
    );
    return async () => {
      await db.$executeRawUnsafe(`DROP TRIGGER fail_outbox`);
    };
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected outbox fault'; END $$`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER fail_outbox BEFORE INSERT ON "OutboxMessage" FOR EACH ROW EXECUTE FUNCTION fail_outbox()`,
  );
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER fail_outbox ON "OutboxMessage"`);
    await db.$executeRawUnsafe(`DROP FUNCTION fail_outbox()`);
  };
}

/** SQLite: another connection holds the write lock. PostgreSQL: every connection of the pool is taken. */
export async function blockWrites(): Promise<() => Promise<void>> {
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
