// `npm run mail:worker`: the mail worker as a process of its own, for deployments whose serving instances run
// with MAIL_WORKER_ENABLED=false. Any number may run (rows are claimed with a lease); SIGTERM/SIGINT stop it
// after the batch in hand.
import { existsSync } from "node:fs";

import { ConfigError, getConfig } from "@/lib/config";
import { disconnectDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { runMailWorker } from "@/lib/server/mail/worker";

async function main(): Promise<void> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const config = getConfig();
  const stop = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
  logger.info("mail worker started", {
    database: config.database.provider,
    transport: config.mail.smtpUrl ? "smtp" : "file",
    intervalMs: config.mail.workerIntervalMs,
  });
  await runMailWorker(stop.signal);
  await disconnectDb();
  logger.info("mail worker stopped");
}

main().catch((error: unknown) => {
  console.error(
    `[mail-worker] ${error instanceof ConfigError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`}`,
  );
  process.exit(1);
});
