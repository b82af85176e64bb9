// `npm start` (and `npm run dev` with --dev): everything a fresh machine needs to serve the app —
// validate the configuration, migrate, seed an empty database, build when the sources changed, serve.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

import { ConfigError, getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { prepareDatabase } from "@/scripts/lib/prepare-database";

const dev = process.argv.includes("--dev");
const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");
const FINGERPRINT_FILE = path.join(".next", "source-fingerprint");
const BUILD_INPUTS = ["app", "components", "lib", "public", "next.config.js", "tsconfig.json", "package-lock.json", "instrumentation.ts"];

function say(message: string): void {
  console.error(`[start] ${message}`);
}

function loadDotEnv(): void {
  if (existsSync(".env")) process.loadEnvFile(".env");
}

function filesUnder(entry: string): string[] {
  if (!existsSync(entry)) return [];
  if (!statSync(entry).isDirectory()) return [entry];
  if (entry === path.join("lib", "generated")) return [];
  return readdirSync(entry)
    .sort()
    .flatMap((name) => filesUnder(path.join(entry, name)));
}

/** A hash of everything the build reads, so a build is reused exactly when it is of these sources. */
function sourceFingerprint(): string {
  const hash = createHash("sha256");
  for (const file of BUILD_INPUTS.flatMap(filesUnder)) hash.update(file).update("\0").update(readFileSync(file));
  return hash.digest("hex");
}

function buildIfNeeded(): void {
  const fingerprint = sourceFingerprint();
  const built = existsSync(FINGERPRINT_FILE) ? readFileSync(FINGERPRINT_FILE, "utf8") : "";
  if (built === fingerprint && existsSync(path.join(".next", "BUILD_ID"))) {
    say("build is up to date");
    return;
  }
  say("building (next build)…");
  const result = spawnSync(nextBin, ["build"], { stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(FINGERPRINT_FILE, fingerprint);
}

async function main(): Promise<void> {
  loadDotEnv();
  // Next.js telemetry would try to reach the internet on every start.
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";
  if (!dev && !process.env.NODE_ENV && !process.env.APP_ENV) {
    // Neither production nor development was asked for: this is a local installation.
    process.env.APP_ENV = "development";
    say("local installation: APP_ENV=development, signing secret kept in .data/ (set NODE_ENV=production for production)");
  }
  const config = getConfig();
  say(`database: ${config.database.provider}`);

  const { seeded } = await prepareDatabase();
  say(seeded ? "migrations applied; seeded the demo business" : "migrations applied");
  await getDb().$disconnect();

  if (!dev) buildIfNeeded();
  const child = spawn(nextBin, [dev ? "dev" : "start", "--port", String(config.port)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error: unknown) => {
  say(error instanceof ConfigError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
