import "server-only";

/** The benchmark's reference routes (a no-op handler, a blank page) exist only with ENABLE_BENCH_ROUTES=1. */
export function benchRoutesEnabled(): boolean {
  return process.env.ENABLE_BENCH_ROUTES === "1";
}
