import "server-only";

import { hostname } from "node:os";

import { canBeginWriteTransaction } from "@/lib/server/db";
import { databaseFile, freeBytesOnDatabaseDisk, writeHealthProbe } from "@/lib/server/db/health-probes";
import { logger } from "@/lib/server/logger";

/** About what an orchestrator waits before it calls an instance unhealthy. */
const DEADLINE_MS = 2000;
/** The longest one instance answers from its last probe instead of writing again. */
export const PROBE_EVERY_MS = 1000;
/**
 * Below this much free space on an SQLite database's disk, writes are about to fail: a write that fits in the WAL's
 * pages already on disk may still succeed there, while a checkout's, which grows the file, does not.
 */
const MIN_FREE_BYTES = 4 * 1024 * 1024;

/** Why the database cannot take a write, or null when it can. */
export type DatabaseProblem = "stuck" | "write_failed" | "disk_full";

interface Probe {
  problem: DatabaseProblem | null;
  /** The database's own words, when it refused. */
  error?: string;
}

let lastProbe: { at: number; problem: DatabaseProblem | null } | undefined;
let probing: Promise<DatabaseProblem | null> | undefined;

function withinDeadline<T>(work: Promise<T>): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), DEADLINE_MS)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * One real write: this host's row of HealthProbe, within the deadline. A write transaction that only begins (and
 * rolls back) succeeds on a full or read-only disk too, so it proves too little; so does a `SELECT 1`.
 */
async function probe(): Promise<Probe> {
  try {
    if (!(await canBeginWriteTransaction(DEADLINE_MS))) return { problem: "stuck" };
    const freeBytes = await freeBytesOnDatabaseDisk();
    if (freeBytes !== null && freeBytes < MIN_FREE_BYTES) return { problem: "disk_full" };
    const written = await withinDeadline(writeHealthProbe(hostname(), new Date()));
    return { problem: written === "timeout" ? "stuck" : null };
  } catch (error) {
    return { problem: "write_failed", error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Whether the database can take a write now, and if not why: probed at most once a second per instance, however
 * many ask (an orchestrator's probes and a load balancer's share one write).
 */
export async function databaseProblem(): Promise<DatabaseProblem | null> {
  if (lastProbe && Date.now() - lastProbe.at < PROBE_EVERY_MS) return lastProbe.problem;
  probing ??= probe().then(({ problem, error }) => {
    lastProbe = { at: Date.now(), problem };
    probing = undefined;
    if (problem) logger.warn("health check failed", { problem, error, deadlineMs: DEADLINE_MS });
    return problem;
  });
  return probing;
}

/** True when the database could take a write now (see databaseProblem). */
export async function checkDatabase(): Promise<boolean> {
  return (await databaseProblem()) === null;
}

/** For a start: the database's write, once, or an error that says why it cannot be written. */
export async function assertDatabaseWritable(): Promise<void> {
  const { problem, error } = await probe();
  if (problem === null) return;
  const file = databaseFile();
  const where = file === null ? "" : ` at ${file}`;
  const why = {
    stuck: "no write could begin within 2 seconds",
    write_failed: `it refused a write (${error})`,
    disk_full: "its disk is full",
  }[problem];
  throw new Error(`the database${where} cannot be written: ${why}`);
}
