import "server-only";

import { ConfigError, getConfig } from "@/lib/config";
import { startMailWorker } from "@/lib/server/mail/worker";

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

/** Background work of a serving instance: the mail worker (never during `next build`). */
export function startBackgroundWork(): void {
  if (process.env.NEXT_PHASE === "phase-production-build") return;
  if (getConfig().mail.workerEnabled) startMailWorker();
}
