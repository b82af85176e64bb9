import { randomBytes, randomUUID } from "node:crypto";
import { copyFileSync } from "node:fs";
import path from "node:path";

import { TEMPLATE_DB, TEST_DATA_DIR } from "./paths";

/**
 * Runs before each test file: a fresh copy of the migrated template, and a configuration of its own.
 * Modules read the environment lazily, so what is set here is what they see.
 */
const databaseFile = path.join(TEST_DATA_DIR, `${randomUUID()}.db`);
copyFileSync(TEMPLATE_DB, databaseFile);

process.env.DATABASE_URL = `file:${databaseFile}`;
process.env.INVOICE_TOKEN_SECRETS ??= randomBytes(32).toString("base64url");
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString("base64url");
process.env.MAIL_OUTBOX_DIR = path.join(TEST_DATA_DIR, `${path.basename(databaseFile, ".db")}-mail`);
// Tests exercise the limiter on purpose in their own files; elsewhere it must not interfere.
process.env.RATE_LIMIT_IP_POINTS ??= "1000000";
process.env.RATE_LIMIT_TOKEN_POINTS ??= "1000000";
