// Runs once when a server starts. The Node.js part validates the configuration before the first request
// and starts the mail worker.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { assertConfigOrExit, startBackgroundWork } = await import("@/lib/server/startup");
    assertConfigOrExit();
    startBackgroundWork();
  }
}
