import "server-only";

import { ConfigError, getConfig } from "@/lib/config";
import { logger } from "@/lib/server/logger";
import { startBackgroundLoop } from "@/lib/server/background";
import { startMailWorker } from "@/lib/server/mail/worker";
import { startSqliteCheckpointer } from "@/lib/server/db/sqlite-checkpointer";

/** A production instance without a real signing secret refuses to start instead of failing later. */
export function assertConfigOrExit(): void {
  try {
    getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Refusing to start: ${error.message}`);
    process.exit(1);
  }
}

/**
 * Background work of a serving instance: the mail worker; fulfilment, reconciliation and the test provider's events;
 * SQLite's checkpointer (never during `next build`).
 */
export function startBackgroundWork(): void {
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  const config = getConfig();
  if (config.mail.workerEnabled) startMailWorker();
  if (config.fulfilment.enabled) startBackgroundLoop();
  // Without it SQLite checkpoints as it always does, in the request that crosses the threshold.
  startSqliteCheckpointer().catch((error: unknown) => logger.warn("SQLite checkpointer not started", { error }));
}
