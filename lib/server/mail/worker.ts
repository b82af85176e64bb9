import "server-only";

import { setTimeout as sleep } from "node:timers/promises";

import { getConfig } from "@/lib/config";
import { logger } from "@/lib/server/logger";
import { DELIVERY_BATCH, deliverOutbox } from "@/lib/server/mail/deliver-outbox";

/**
 * Two ways to run the mail worker. In-process (MAIL_WORKER_ENABLED, the default): every instance polls the
 * outbox (claims keep them from sending a row twice) and is kicked right after something is queued, so e-mails
 * go out without waiting for the next poll. As a process of its own (`npm run mail:worker`, with
 * MAIL_WORKER_ENABLED=false on the serving instances): delivery then never takes CPU from requests.
 */
interface WorkerState {
  started: boolean;
  running: Promise<void> | null;
  again: boolean;
  kick: NodeJS.Timeout | null;
}

/** Kicks within this window are delivered together, so a burst of registrations is one delivery run. */
const KICK_DELAY_MS = 200;

// On globalThis: Next.js bundles instrumentation and route handlers separately, and both must see one worker.
const globalForWorker = globalThis as unknown as { mailWorker?: WorkerState };
const state = (globalForWorker.mailWorker ??= { started: false, running: null, again: false, kick: null });

/** Delivers batch after batch while they come back full or a kick arrived meanwhile, so a backlog drains at once. */
async function runUntilIdle(): Promise<void> {
  do {
    state.again = false;
    try {
      const report = await deliverOutbox();
      if (report.sent + report.retrying + report.failed >= DELIVERY_BATCH) state.again = true;
    } catch (error) {
      logger.error("mail worker run failed", { error });
    }
  } while (state.again);
}

function run(): void {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = runUntilIdle().finally(() => {
    state.running = null;
  });
}

export function startMailWorker(): void {
  if (state.started) return;
  state.started = true;
  setInterval(run, getConfig().mail.workerIntervalMs).unref();
  run();
}

/** Asks a started worker to deliver now; does nothing where no worker runs (tests, scripts). */
export function kickMailWorker(): void {
  if (!state.started || state.kick) return;
  state.kick = setTimeout(() => {
    state.kick = null;
    run();
  }, KICK_DELAY_MS);
}

/**
 * The loop of a dedicated mail process: delivers batch after batch while there are full ones, otherwise waits
 * MAIL_WORKER_INTERVAL_MS. Returns when `signal` aborts, after the batch in hand.
 */
export async function runMailWorker(signal: AbortSignal): Promise<void> {
  const { workerIntervalMs } = getConfig().mail;
  while (!signal.aborted) {
    let handled = 0;
    try {
      const report = await deliverOutbox();
      handled = report.sent + report.retrying + report.failed;
    } catch (error) {
      logger.error("mail worker run failed", { error });
    }
    if (handled < DELIVERY_BATCH) await sleep(workerIntervalMs, undefined, { signal }).catch(() => undefined);
  }
}
