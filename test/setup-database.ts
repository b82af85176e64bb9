import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync } from "node:fs";
import path from "node:path";

import pg from "pg";

import { POSTGRES_TEMPLATE, POSTGRES_TEST_PREFIX, TEMPLATE_DB, TEST_DATA_DIR, withDatabase } from "./paths";

/**
 * Runs before each test file: a fresh copy of the migrated template (a SQLite file, or a PostgreSQL database
 * made from the template), and a configuration of its own. Modules read the environment lazily, so what is set
 * here is what they see.
 */
const name = randomUUID().replaceAll("-", "");

if (process.env.TEST_DATABASE_PROVIDER === "postgresql") {
  const adminUrl = process.env.TEST_POSTGRES_URL!;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${POSTGRES_TEST_PREFIX}${name}" TEMPLATE "${POSTGRES_TEMPLATE}"`);
  } finally {
    await admin.end();
  }
  process.env.DATABASE_URL = withDatabase(adminUrl, `${POSTGRES_TEST_PREFIX}${name}`);
} else {
  const databaseFile = path.join(TEST_DATA_DIR, `${name}.db`);
  copyFileSync(TEMPLATE_DB, databaseFile);
  process.env.DATABASE_URL = `file:${databaseFile}`;
}

process.env.INVOICE_TOKEN_SECRETS ??= randomBytes(32).toString("base64url");
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.PAYMENT_WEBHOOK_SECRET ??= `whsec_${randomBytes(32).toString("base64")}`;
process.env.MAIL_OUTBOX_DIR = path.join(TEST_DATA_DIR, `${name}-mail`);
// Tests exercise the limiter on purpose in their own files; elsewhere it must not interfere.
process.env.RATE_LIMIT_IP_POINTS ??= "1000000";
process.env.RATE_LIMIT_TOKEN_POINTS ??= "1000000";
