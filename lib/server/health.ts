import "server-only";

import { canBeginWriteTransaction } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";

/** About what an orchestrator waits before it calls an instance unhealthy. */
const DEADLINE_MS = 2000;

/**
 * True when the database could take a write now: a write transaction begins (and is rolled back) within the
 * deadline. A `SELECT 1` would still answer on an instance whose writes are stuck, so it proves too little.
 */
export async function checkDatabase(): Promise<boolean> {
  try {
    if (await canBeginWriteTransaction(DEADLINE_MS)) return true;
    logger.warn("health check failed: no write transaction could begin", { deadlineMs: DEADLINE_MS });
  } catch (error) {
    logger.warn("health check failed", { error });
  }
  return false;
}
