import "server-only";

import { Worker } from "node:worker_threads";

import { getDriver } from "@/lib/server/db/client";

/**
 * SQLite's WAL checkpoints, off the event loop. By default the connection that commits past 1 000 WAL pages
 * copies them into the database file and syncs it, inside that request, blocking every other one; under a
 * burst of registrations that was a tenth of the registration's time (docs/benchmarks.md). A worker thread
 * with a connection of its own checkpoints instead (PASSIVE: it never blocks readers or writers), and the
 * serving connection checkpoints by itself only past BACKSTOP_PAGES, should the thread ever fall behind.
 */
const BACKSTOP_PAGES = 10_000;
const CHECKPOINT_EVERY_MS = 1000;

// Plain CommonJS: the worker runs outside the app's bundle, with the process's better-sqlite3.
const CHECKPOINTER_SOURCE = `
const { workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { timeout: 1000 });
db.pragma("synchronous = NORMAL");
setInterval(() => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    console.error(JSON.stringify({ time: new Date().toISOString(), level: "warn", message: "WAL checkpoint failed", error: String(error) }));
  }
}, workerData.intervalMs);
`;

/** Starts the checkpointer of the app's SQLite database (nothing on PostgreSQL). Returns what stops it. */
export async function startSqliteCheckpointer(options: { intervalMs?: number } = {}): Promise<() => Promise<void>> {
  const driver = await getDriver();
  if (driver.provider !== "sqlite") return async () => undefined;
  const worker = new Worker(CHECKPOINTER_SOURCE, {
    eval: true,
    workerData: { file: driver.connection.name, intervalMs: options.intervalMs ?? CHECKPOINT_EVERY_MS },
  });
  worker.unref();
  driver.connection.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
  return async () => {
    driver.connection.pragma("wal_autocheckpoint = 1000");
    await worker.terminate();
  };
}
