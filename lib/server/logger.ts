import "server-only";

type Level = "debug" | "info" | "warn" | "error";

const RANK: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The least severe level written: `LOG_LEVEL` (debug, info, warn or error), info when unset or unknown. */
function threshold(): number {
  const level = process.env.LOG_LEVEL;
  return level !== undefined && level in RANK ? RANK[level as Level] : RANK.info;
}

function serializeError(error: unknown): unknown {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, cause: serializeError(error.cause) };
  }
  return error;
}

/**
 * One JSON line per event on stdout/stderr. Callers pass facts, never request URLs: query strings carry
 * basket GUIDs and invoice tokens, which must not reach the logs.
 */
function write(level: Level, message: string, fields: Record<string, unknown> = {}): void {
  // Tests provoke errors on purpose; they opt in to see the log.
  if (process.env.NODE_ENV === "test" && !process.env.LOG_IN_TESTS) return;
  if (RANK[level] < threshold()) return;
  const entry: Record<string, unknown> = { time: new Date().toISOString(), level, message };
  for (const [key, value] of Object.entries(fields)) entry[key] = key === "error" ? serializeError(value) : value;
  const line = JSON.stringify(entry);
  if (level === "error" || level === "warn") console.error(line);
  else console.log(line);
}

export const logger = {
  debug: (message: string, fields?: Record<string, unknown>) => write("debug", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("info", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("warn", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("error", message, fields),
};
