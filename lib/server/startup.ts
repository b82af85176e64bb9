import "server-only";

import { ConfigError, getConfig } from "@/lib/config";

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
