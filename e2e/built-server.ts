import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import path from "node:path";

import Database from "better-sqlite3";
import pg from "pg";

import { testPostgresUrl, withDatabase } from "../test/paths";

/**
 * A `next start` of the built app of its own, on a database of its own, for the tests that need to restart,
 * kill or overload a server: started the `npm start` way (scripts/start.ts: migrate, seed, serve the current
 * build), with a stable signing key so tokens outlive a restart.
 */
const root = path.join(import.meta.dirname, "..");

export type Provider = "sqlite" | "postgresql";

/** SQLite always; PostgreSQL too when a server answers, as for the integration suite. */
export function providers(): Provider[] {
  return testPostgresUrl() ? ["sqlite", "postgresql"] : ["sqlite"];
}

export interface TestDatabase {
  provider: Provider;
  url: string;
  /** Runs one read-only query against it (both providers take `?`-free SQL with $1-style parameters here). */
  rows<T>(sql: string): Promise<T[]>;
  drop(): Promise<void>;
}

export async function createDatabase(provider: Provider, name: string): Promise<TestDatabase> {
  if (provider === "sqlite") {
    const dir = path.join(root, ".data", "e2e-built", `${name}-${randomBytes(4).toString("hex")}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "app.db");
    return {
      provider,
      url: `file:${file}`,
      async rows<T>(sql: string) {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(sql).all() as T[];
        } finally {
          db.close();
        }
      },
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const adminUrl = testPostgresUrl()!;
  const database = `billing_e2e_${name.replace(/\W/g, "_")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`).finally(() => admin.end());
  const url = withDatabase(adminUrl, database);
  return {
    provider,
    url,
    async rows<T>(sql: string) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return (await client.query(sql)).rows as T[];
      } finally {
        await client.end();
      }
    },
    async drop() {
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).finally(() => cleanup.end());
    },
  };
}

export interface BuiltServer {
  baseUrl: string;
  mailDir: string;
  /** The server's process group: start.ts and the `next start` under it. */
  pids(): number[];
  /** What the server wrote to stdout and stderr (the last 20 000 characters). */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: no shutdown hook, no final COMMIT. */
  kill9(): Promise<void>;
  /** Resolves when the server has exited, whatever ended it (it may have killed itself: FAULT_INJECTION). */
  exited(): Promise<void>;
}

const secrets = {
  INVOICE_TOKEN_SECRETS: randomBytes(32).toString("base64url"),
  NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
  PAYMENT_WEBHOOK_SECRET: `whsec_${randomBytes(32).toString("base64")}`,
};

/**
 * `descriptorLimit` runs the server under that limit on open files (soft and hard: Node.js raises its soft limit
 * to the hard one at start), so a test can exhaust it with a few hundred connections.
 */
export async function startBuiltServer(input: {
  database: TestDatabase;
  port: number;
  mailDir?: string;
  env?: Record<string, string>;
  descriptorLimit?: number;
}): Promise<BuiltServer> {
  const baseUrl = `http://127.0.0.1:${input.port}`;
  const mailDir = input.mailDir ?? path.join(root, ".data", "e2e-built", `mail-${randomUUID()}`);
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...secrets,
    PORT: String(input.port),
    APP_URL: baseUrl,
    APP_ENV: "development",
    DATABASE_URL: input.database.url,
    MAIL_OUTBOX_DIR: mailDir,
    MAIL_WORKER_INTERVAL_MS: "500",
    NEXT_TELEMETRY_DISABLED: "1",
    ...input.env,
  };
  delete env.NODE_ENV;
  const command = [path.join(root, "node_modules/.bin/tsx"), "--conditions=react-server", "scripts/start.ts"];
  const limited =
    input.descriptorLimit === undefined
      ? command
      : ["sh", "-c", `ulimit -n ${input.descriptorLimit} && exec "$0" "$@"`, ...command];
  const child: ChildProcess = spawn(limited[0]!, limited.slice(1), {
    cwd: root,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not become healthy:\n${output}`);
    const healthy = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  const signal = async (name: NodeJS.Signals) => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // already gone
      }
    }
    await exited;
  };
  return {
    baseUrl,
    mailDir,
    pids: () => processGroup(child.pid!),
    output: () => output,
    stop: () => signal("SIGTERM"),
    kill9: () => signal("SIGKILL"),
    exited: () => exited,
  };
}

function processGroup(pgid: number): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so read after the last ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid;
      } catch {
        return false;
      }
    });
}

/** The open file descriptors of `pids` that point at `file`. */
export function openDescriptorsOf(pids: number[], file: string): number {
  let count = 0;
  for (const pid of pids) {
    let descriptors: string[] = [];
    try {
      descriptors = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of descriptors) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) count++;
      } catch {
        // closed meanwhile
      }
    }
  }
  return count;
}

/** The .eml files the server's mail outbox folder holds, as text. */
export function deliveredMail(mailDir: string): string[] {
  try {
    return readdirSync(mailDir)
      .filter((name) => name.endsWith(".eml"))
      .map((name) => readFileSync(path.join(mailDir, name), "utf8"));
  } catch {
    return [];
  }
}

/** Resident memory of a process group, in bytes (the sum of its processes' VmRSS). */
export function residentBytes(pids: number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}
