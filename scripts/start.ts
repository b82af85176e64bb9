// `npm start` (and `npm run dev` with --dev): everything a fresh machine needs to serve the app —
// validate the configuration, migrate, seed an empty database, build when the sources changed, serve.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { ConfigError, getConfig } from "@/lib/config";
import { disconnectDb } from "@/lib/server/db";
import { buildIfNeeded } from "@/scripts/lib/build";
import { prepareDatabase } from "@/scripts/lib/prepare-database";

const dev = process.argv.includes("--dev");
const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");

function say(message: string): void {
  console.error(`[start] ${message}`);
}

function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

async function main(): Promise<void> {
  loadDotEnv();
  // Next.js telemetry would try to reach the internet on every start.
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  if (!dev && !process.env.NODE_ENV && !process.env.APP_ENV) {
    // Neither production nor development was asked for: this is a local installation.
    process.env.APP_ENV = "development";
    say(
      "local installation: APP_ENV=development, signing secret kept in .data/ (set NODE_ENV=production for production)",
    );
  }
  const config = getConfig();
  say(`database: ${config.database.provider}`);

  const { seeded } = await prepareDatabase();
  say(seeded ? "migrations applied; seeded the demo business" : "migrations applied");
  await disconnectDb();

  if (!dev) buildIfNeeded(say);
  const child = dev
    ? spawn(nextBin, ["dev", "--port", String(config.port)], { stdio: "inherit" })
    : spawn(process.execPath, [path.join("scripts", "serve.mjs"), "--port", String(config.port)], {
        stdio: "inherit",
        env: { ...process.env, NODE_ENV: "production" },
      });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  say(
    error instanceof ConfigError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
