import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { POSTGRES_TEMPLATE, POSTGRES_TEST_PREFIX, TEMPLATE_DB, TEST_DATA_DIR, withDatabase } from "./paths";

const prisma = path.join(import.meta.dirname, "..", "node_modules", ".bin", "prisma");

function migrate(databaseUrl: string): void {
  const result = spawnSync(prisma, ["migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`migrating the test template failed:\n${result.stdout}\n${result.stderr}`);
}

async function dropTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
    `${POSTGRES_TEST_PREFIX}%`,
  ]);
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
}

/** SQLite: migrates the template file once per run, with the migrations production applies. */
function setupSqlite(): void {
  rmSync(TEST_DATA_DIR, { recursive: true, force: true });
  mkdirSync(TEST_DATA_DIR, { recursive: true });
  migrate(`file:${TEMPLATE_DB}`);
}

/** PostgreSQL: (re)creates and migrates the template database; the teardown drops every test database. */
export async function setupPostgres(adminUrl: string): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await dropTestDatabases(admin);
    await admin.query(`CREATE DATABASE "${POSTGRES_TEMPLATE}"`);
  } finally {
    await admin.end();
  }
  migrate(withDatabase(adminUrl, POSTGRES_TEMPLATE));

  return async () => {
    const cleanup = new pg.Client({ connectionString: adminUrl });
    await cleanup.connect();
    await dropTestDatabases(cleanup).finally(() => cleanup.end());
  };
}

export default setupSqlite;
