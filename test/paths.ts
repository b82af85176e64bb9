import { spawnSync } from "node:child_process";
import path from "node:path";

/** Test databases live here; the SQLite template is migrated once per run and copied for each test file. */
export const TEST_DATA_DIR = path.join(import.meta.dirname, "..", ".data", "test");
export const TEMPLATE_DB = path.join(TEST_DATA_DIR, "template.db");

/** The PostgreSQL template database, migrated once per run; each test file gets a copy of it. */
export const POSTGRES_TEMPLATE = "billing_test_template";
export const POSTGRES_TEST_PREFIX = "billing_test_";

/**
 * The PostgreSQL server the suite also runs on: TEST_POSTGRES_URL, or else the local server when
 * `pg_isready -h 127.0.0.1` answers (with the postgres/postgres role .ci/run sets up). Null: SQLite only.
 */
export function testPostgresUrl(): string | null {
  if (process.env.TEST_POSTGRES_URL) return process.env.TEST_POSTGRES_URL;
  const ready = spawnSync("pg_isready", ["-h", "127.0.0.1", "-q"], { stdio: "ignore" });
  return ready.status === 0 ? "postgresql://postgres:postgres@127.0.0.1:5432/postgres" : null;
}

/** The same server, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.href;
}
