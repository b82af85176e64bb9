import "server-only";

import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";

const TIMEOUT_MS = 2000;

/** True when the database answers a trivial query within the timeout. */
export async function checkDatabase(): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
  });
  try {
    await Promise.race([getDb().$queryRaw`SELECT 1`, timeout]);
    return true;
  } catch (error) {
    logger.warn("health check failed", { error });
    return false;
  } finally {
    clearTimeout(timer);
  }
}
