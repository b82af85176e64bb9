import "server-only";

import { getConfig } from "@/lib/config";

const HOUR_MS = 3_600_000;

/** A basket session can be registered until BASKET_TTL_HOURS (default 24) after `from`. */
export function basketExpiresAt(from: Date): Date {
  return new Date(from.getTime() + getConfig().basketTtlHours * HOUR_MS);
}
