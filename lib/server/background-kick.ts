import "server-only";

/**
 * Asks the background work of this instance (background.ts) to run at a given moment, sooner than its next round:
 * when a payment's grace period ends, when a provider's confirmation is due. Only a hint — the work is durable and
 * the next round finds it anyway (after a restart, too) — so it does nothing where no background work runs (tests,
 * scripts). Apart from background.ts so that what kicks it need not import what it runs.
 */
interface KickState {
  run: (() => void) | null;
}

// On globalThis: Next.js bundles instrumentation and route handlers separately, and both must see one loop.
const globalForKick = globalThis as unknown as { backgroundKick?: KickState };
export const backgroundKick = (globalForKick.backgroundKick ??= { run: null });

/** Kicks later than this are left to the rounds. */
const MAX_KICK_DELAY_MS = 10 * 60_000;

export function kickBackgroundWork(delayMs = 0): void {
  const run = backgroundKick.run;
  if (!run || delayMs > MAX_KICK_DELAY_MS) return;
  setTimeout(run, Math.max(0, delayMs) + 50).unref();
}
