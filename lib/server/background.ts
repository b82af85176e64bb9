import "server-only";

import { getConfig } from "@/lib/config";
import { backgroundKick } from "@/lib/server/background-kick";
import { FULFILMENT_BATCH, fulfilDueCheckouts } from "@/lib/server/billing/fulfil-paid-checkouts";
import { logger } from "@/lib/server/logger";
import { RECONCILE_BATCH, reconcileDuePayments } from "@/lib/server/payments/reconcile-payments";
import { allPaymentProviders } from "@/lib/server/payments/registry";

/**
 * The work every instance does beside its requests (docs/contract.md §3.7), every BACKGROUND_INTERVAL_MS and when
 * kicked (background-kick.ts): the payment providers' own work (the test provider's webhook events), the
 * reconciliation of unsettled payments, and the server's registration of paid checkouts no page registered. Each
 * step reads durable rows and claims what it takes, so it is safe in several instances at once and loses nothing to
 * a restart: what was due is found by the next round.
 */
interface LoopState {
  started: boolean;
  running: Promise<void> | null;
  again: boolean;
}

// On globalThis: Next.js bundles instrumentation and route handlers separately, and both must see one loop.
const globalForLoop = globalThis as unknown as { backgroundLoop?: LoopState };
const state = (globalForLoop.backgroundLoop ??= { started: false, running: null, again: false });

/** A step of a round; it answers whether more of its work may be waiting (it took a full batch). */
type Step = [name: string, run: () => Promise<boolean>];

/** One round: each step on its own, so one that fails does not hold up the others. Answers whether to run another at once. */
async function runBackgroundRound(now = new Date()): Promise<boolean> {
  const steps: Step[] = [
    ...allPaymentProviders().flatMap((provider): Step[] => {
      const work = provider.runBackgroundWork?.bind(provider);
      return work ? [[`provider ${provider.name}`, async () => (await work(now), false)]] : [];
    }),
    ["reconciliation", async () => (await reconcileDuePayments(now)).claimed >= RECONCILE_BATCH],
    ["fulfilment", async () => (await fulfilDueCheckouts(now)).due >= FULFILMENT_BATCH],
  ];
  let more = false;
  for (const [name, step] of steps) {
    try {
      if (await step()) more = true;
    } catch (error) {
      logger.error(`background work failed: ${name}`, { error });
    }
  }
  return more;
}

function run(): void {
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = (async () => {
    do {
      state.again = false;
      // A backlog (after an outage, say) drains batch after batch instead of one batch per interval.
      if (await runBackgroundRound()) state.again = true;
    } while (state.again);
  })().finally(() => {
    state.running = null;
  });
}

export function startBackgroundLoop(): void {
  if (state.started) return;
  state.started = true;
  backgroundKick.run = run;
  setInterval(run, getConfig().fulfilment.intervalMs).unref();
  run();
}
