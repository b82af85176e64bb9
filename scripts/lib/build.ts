import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const nextBin = path.join(process.cwd(), "node_modules", ".bin", "next");
const FINGERPRINT_FILE = path.join(".next", "source-fingerprint");
/** Without these, reading the configuration fails outside development: what a page must not do at build time. */
const BUILD_TIME_UNSET = ["APP_ENV", "INVOICE_TOKEN_SECRETS", "NEXTAUTH_SECRET"];
const BUILD_INPUTS = [
  "app",
  "components",
  "lib",
  "types",
  "public",
  "prisma/models.prisma",
  "next.config.js",
  "tsconfig.json",
  "package-lock.json",
  "instrumentation.ts",
  "proxy.ts",
];

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

/** Runs `next build` unless the last build was of exactly these sources. */
export function buildIfNeeded(say: (message: string) => void): void {
  const fingerprint = sourceFingerprint();
  const built = existsSync(FINGERPRINT_FILE) ? readFileSync(FINGERPRINT_FILE, "utf8") : "";
  if (built === fingerprint && existsSync(path.join(".next", "BUILD_ID"))) {
    say("build is up to date");
    return;
  }
  say("building (next build)…");
  // The build must not need the app's secrets (they are read at run time): build without them, so a page
  // that reads the configuration while being prerendered fails here and not in a production pipeline.
  const env = { ...process.env };
  for (const name of BUILD_TIME_UNSET) delete env[name];
  const result = spawnSync(nextBin, ["build"], { stdio: "inherit", env });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(FINGERPRINT_FILE, fingerprint);
}
