// Runs once when a server starts. The Node.js part validates the configuration before the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { assertConfigOrExit } = await import("@/lib/server/startup");
    assertConfigOrExit();
  }
}
