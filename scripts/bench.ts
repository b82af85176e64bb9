// `npm run bench`: how close the endpoints come to what the framework itself can do on this machine.
// Builds if needed, prepares a fresh database (SQLite, or PostgreSQL with BENCH_DATABASE_URL) with paid checkouts
// in bulk, starts the production server (scripts/serve.mjs), and measures each endpoint with autocannon at 1, 10 and 50 connections. Prints a
// table, writes JSON under bench-results/ (not committed).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

import autocannon from "autocannon";
import Database from "better-sqlite3";
import pg from "pg";
import { z } from "zod";

import { seedBenchCheckouts, type BenchCheckout } from "@/lib/server/bench/seed-bench-data";
import { disconnectDb, getDb } from "@/lib/server/db";
import { withDatabase } from "@/test/paths";
import { sha256Hex } from "@/lib/server/hash";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { buildIfNeeded } from "@/scripts/lib/build";
import { childServerEnv } from "@/scripts/lib/child-env";
import { prepareDatabase } from "@/scripts/lib/prepare-database";

const DATA_DIR = path.join(".data", "bench");
const PORT = Number(process.env.BENCH_PORT ?? 3450);
const BASE = `http://127.0.0.1:${PORT}`;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = [1, 10, 50] as const;
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 60_000);
/**
 * The ratios to the no-op route are taken in rounds at 50 connections, each endpoint right between two no-op
 * measurements, and the median round is reported: on a shared virtual machine the speed of the CPU drifts by
 * tens of percent within a run, which a ratio of two measurements a minute apart would take for the code's.
 */
const RATIO_ROUNDS = Number(process.env.BENCH_RATIO_ROUNDS ?? 3);
const FLOOR_REGISTRATIONS = 5_000;
/** Paid checkouts stored beside the fresh ones (never registered in the run): how the cost grows with stored data. */
const STORED_BASKETS = Number(process.env.BENCH_STORED_BASKETS ?? 0);
/**
 * BENCH_DATABASE_URL=postgresql://user:password@host/any runs the bench on PostgreSQL: a fresh database
 * `billing_bench_<random>` is created on that server (the role needs CREATEDB) and dropped at the end.
 */
const POSTGRES_SERVER_URL = process.env.BENCH_DATABASE_URL?.startsWith("postgres") ? process.env.BENCH_DATABASE_URL : null;
const POSTGRES_DATABASE = `billing_bench_${randomBytes(4).toString("hex")}`;
/** BENCH_ONLY=registerByToken,pdfByToken measures just those (with the no-op route for the ratios). */
const ONLY = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
/** BENCH_PROFILE=1 writes a CPU profile of the server to bench-results/profiles/ (open it in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE === "1";
/**
 * Who delivers the registrations' e-mails during the run: "process" (default) a mail worker process beside the
 * server, as deployed with MAIL_WORKER_ENABLED=false on serving instances; "in-process" the server's own worker
 * (the single-process default of `npm start`); "off" nobody.
 */
const MAIL_WORKER = z.enum(["process", "in-process", "off"]).parse(process.env.BENCH_MAIL_WORKER ?? "process");

// The bench process and the server share the database and the signing key.
process.env.DATABASE_URL = POSTGRES_SERVER_URL ? withDatabase(POSTGRES_SERVER_URL, POSTGRES_DATABASE) : `file:./${DATA_DIR}/app.db`;
const PROVIDER = POSTGRES_SERVER_URL ? "postgresql" : "sqlite";
process.env.INVOICE_TOKEN_SECRETS = randomBytes(32).toString("base64url");
process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
process.env.APP_ENV = "development";

function say(message: string): void {
  console.error(`[bench] ${message}`);
}

interface Measurement {
  endpoint: string;
  connections: number;
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
  requests: number;
}

async function measure(endpoint: string, connections: number, options: Partial<autocannon.Options>, seconds = DURATION_SECONDS): Promise<Measurement> {
  const result = await autocannon({ url: BASE, connections, duration: seconds, pipelining: 1, ...options });
  return {
    endpoint,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
  };
}

/** The same registration, in raw SQL on better-sqlite3: what the database alone costs. */
function measureSqliteFloor(file: string, checkouts: BenchCheckout[]): { registrationsPerSecond: number; count: number } {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  const findBasket = db.prepare(
    `SELECT b.id, b.businessId, b.guestEmail, b.guestFullName, b.consumedAt, b.expiresAt, b.completedAt, b.invoiceId, i.paidAt, i.number
     FROM "BasketSession" b JOIN "Invoice" i ON i.id = b.invoiceId WHERE b.tokenHash = ?`,
  );
  const consume = db.prepare(`UPDATE "BasketSession" SET consumedAt = ?, status = 'registered' WHERE id = ? AND consumedAt IS NULL`);
  const findCustomer = db.prepare(`SELECT id FROM "Customer" WHERE businessId = ? AND email = ?`);
  const createCustomer = db.prepare(`INSERT INTO "Customer" (businessId, fullName, email, createdAt) VALUES (?, ?, ?, ?)`);
  const linkInvoice = db.prepare(`UPDATE "Invoice" SET customerId = ? WHERE id = ?`);
  const grant = db.prepare(`UPDATE "Customer" SET portalAccessGrantedAt = ?, portalAccessBasketSessionId = ? WHERE id = ? AND portalAccessGrantedAt IS NULL`);
  const audit = db.prepare(`INSERT INTO "AuditEvent" (type, actor, basketSessionId, invoiceId, customerId, clientIp, createdAt) VALUES ('registration.succeeded', 'guest', ?, ?, ?, '127.0.0.1', ?)`);
  const outbox = db.prepare(`INSERT INTO "OutboxMessage" (kind, recipient, businessId, payload, status, attempts, nextAttemptAt, createdAt) VALUES ('registration.new_customer', ?, ?, ?, 'pending', 0, ?, ?)`);
  type Basket = { id: number; businessId: number; guestEmail: string; guestFullName: string; invoiceId: number; number: string };
  const register = db.transaction((tokenHash: string, now: string) => {
    const basket = findBasket.get(tokenHash) as Basket | undefined;
    if (!basket || consume.run(now, basket.id).changes !== 1) throw new Error("floor: basket not registrable");
    const email = basket.guestEmail.toLowerCase();
    const existing = findCustomer.get(basket.businessId, email) as { id: number } | undefined;
    const customerId = existing?.id ?? Number(createCustomer.run(basket.businessId, basket.guestFullName, email, now).lastInsertRowid);
    linkInvoice.run(customerId, basket.invoiceId);
    grant.run(now, basket.id, customerId);
    audit.run(basket.id, basket.invoiceId, customerId, now);
    outbox.run(email, basket.businessId, JSON.stringify({ invoiceId: basket.invoiceId, customerId }), now, now);
  });
  const started = process.hrtime.bigint();
  for (const checkout of checkouts) register(sha256Hex(checkout.token), new Date().toISOString());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return { registrationsPerSecond: Math.round(checkouts.length / seconds), count: checkouts.length };
}

/**
 * The same registration through pg directly, one connection, no Next.js: what PostgreSQL itself allows here
 * (every COMMIT waits for its WAL flush, as the app's do).
 */
async function measurePostgresFloor(url: string, checkouts: BenchCheckout[]): Promise<{ registrationsPerSecond: number; count: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  type Basket = { id: number; businessId: number; guestEmail: string; guestFullName: string; invoiceId: number; number: string };
  const started = process.hrtime.bigint();
  try {
    for (const checkout of checkouts) {
      const now = new Date().toISOString();
      await client.query("BEGIN");
      const { rows } = await client.query<Basket>(
        `SELECT b.id, b."businessId", b."guestEmail", b."guestFullName", b."invoiceId", i.number FROM "BasketSession" b JOIN "Invoice" i ON i.id = b."invoiceId" WHERE b."tokenHash" = $1`,
        [sha256Hex(checkout.token)],
      );
      const basket = rows[0];
      if (!basket) throw new Error("floor: basket not found");
      const consumed = await client.query(`UPDATE "BasketSession" SET "consumedAt" = $1, status = 'registered' WHERE id = $2 AND "consumedAt" IS NULL`, [now, basket.id]);
      if (consumed.rowCount !== 1) throw new Error("floor: basket not registrable");
      const email = basket.guestEmail.toLowerCase();
      const inserted = await client.query<{ id: number }>(
        `INSERT INTO "Customer" ("businessId", "fullName", email, "portalAccessGrantedAt", "portalAccessBasketSessionId", "createdAt") VALUES ($1, $2, $3, $4, $5, $4)
         ON CONFLICT ("businessId", email) DO NOTHING RETURNING id`,
        [basket.businessId, basket.guestFullName, email, now, basket.id],
      );
      const customerId = inserted.rows[0]?.id;
      await client.query(`UPDATE "Invoice" SET "customerId" = $1 WHERE id = $2`, [customerId, basket.invoiceId]);
      await client.query(
        `INSERT INTO "AuditEvent" (type, actor, "basketSessionId", "invoiceId", "customerId", "clientIp", "createdAt") VALUES ('registration.succeeded', 'guest', $1, $2, $3, '127.0.0.1', $4)`,
        [basket.id, basket.invoiceId, customerId, now],
      );
      await client.query(
        `INSERT INTO "OutboxMessage" (kind, recipient, "businessId", payload, status, attempts, "nextAttemptAt", "createdAt") VALUES ('registration.new_customer', $1, $2, $3, 'pending', 0, $4, $4)`,
        [email, basket.businessId, JSON.stringify({ businessId: basket.businessId, customerId, invoiceId: basket.invoiceId, invoiceNumber: basket.number }), now],
      );
      await client.query("COMMIT");
    }
  } finally {
    await client.end();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { registrationsPerSecond: Math.round(checkouts.length / seconds), count: checkouts.length };
}

/** How many of the e-mails the registrations queued were delivered while the benchmark ran. */
async function mailDuringRun(): Promise<{ queued: number; sent: number }> {
  const sql = (status: string | null) => `SELECT COUNT(*) AS n FROM "OutboxMessage" WHERE "kind" LIKE 'registration.%'${status ? ` AND "status" = '${status}'` : ""}`;
  if (PROVIDER === "postgresql") {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      const count = async (status: string | null) => Number((await client.query<{ n: string }>(sql(status))).rows[0]?.n ?? 0);
      return { queued: await count(null), sent: await count("sent") };
    } finally {
      await client.end();
    }
  }
  const db = new Database(path.join(DATA_DIR, "app.db"), { readonly: true });
  try {
    const count = (status: string | null) => (db.prepare(sql(status)).get() as { n: number }).n;
    return { queued: count(null), sent: count("sent") };
  } finally {
    db.close();
  }
}

async function createPostgresDatabase(serverUrl: string): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${POSTGRES_DATABASE}"`).finally(() => admin.end());
  return async () => {
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS "${POSTGRES_DATABASE}" WITH (FORCE)`).finally(() => cleanup.end());
  };
}

/** Gzipped size of the JavaScript a first visit to a page downloads (its <script src> chunks). */
async function firstLoadJs(pagePath: string): Promise<{ bytes: number; chunks: number }> {
  const html = await (await fetch(`${BASE}${pagePath}`)).text();
  const sources = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)].filter((match) => !/\bnoModule\b/i.test(match[0])).map((match) => match[1]!);
  let bytes = 0;
  for (const source of new Set(sources)) bytes += gzipSync(Buffer.from(await (await fetch(new URL(source, BASE))).arrayBuffer())).length;
  return { bytes, chunks: new Set(sources).size };
}

const serverEnv = () =>
  childServerEnv({
    PORT: String(PORT),
    APP_URL: BASE,
    ENABLE_BENCH_ROUTES: "1",
    // The limiter still counts every request in the database; it just never refuses this one client.
    RATE_LIMIT_IP_POINTS: "1000000000",
    RATE_LIMIT_TOKEN_POINTS: "1000000000",
    MAIL_OUTBOX_DIR: path.join(DATA_DIR, "mail-outbox"),
    MAIL_WORKER_ENABLED: MAIL_WORKER === "in-process" ? "true" : "false",
    MAIL_WORKER_INTERVAL_MS: "500",
    NEXT_TELEMETRY_DISABLED: "1",
  });

/** `npm run mail:worker`, beside the server. */
function startMailWorkerProcess(): ChildProcess {
  return spawn(path.join("node_modules", ".bin", "tsx"), ["--conditions=react-server", path.join("scripts", "mail-worker.ts")], {
    env: serverEnv(),
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
}

async function startServer(): Promise<ChildProcess> {
  if (PROFILE) mkdirSync(path.join("bench-results", "profiles"), { recursive: true });
  // The database is prepared and the build is current: serve it directly, so a profiler can be attached.
  const profile = PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve("bench-results", "profiles")}`] : [];
  const server = spawn(process.execPath, [...profile, path.join("scripts", "serve.mjs"), "--port", String(PORT)], {
    env: serverEnv(),
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      if ((await fetch(`${BASE}/api/health`)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the server did not start");
}

interface RatioRound {
  endpoint: string;
  noopBefore: Measurement;
  measurement: Measurement;
  noopAfter: Measurement;
  /** The endpoint's requests per second over the mean of the two no-op measurements around it. */
  ratio: number;
}

/** RATIO_ROUNDS rounds at 50 connections; in each, every endpoint with a target right between two no-op measurements. */
async function measureRatioRounds(endpoints: [string, Partial<autocannon.Options>][]): Promise<RatioRound[]> {
  const [noop, ...others] = endpoints;
  if (!noop) return [];
  const targeted = others.filter(([name]) => name === "registerByToken" || name === "pdfByToken");
  const rounds: RatioRound[] = [];
  for (let round = 1; round <= RATIO_ROUNDS && targeted.length > 0; round++) {
    let before = await measure(noop[0], 50, noop[1]);
    for (const [name, options] of targeted) {
      const measurement = await measure(name, 50, options);
      const after = await measure(noop[0], 50, noop[1]);
      const ratio = +(measurement.requestsPerSecond / ((before.requestsPerSecond + after.requestsPerSecond) / 2)).toFixed(3);
      rounds.push({ endpoint: name, noopBefore: before, measurement, noopAfter: after, ratio });
      say(`round ${round}: ${name} ${measurement.requestsPerSecond} req/s between no-op ${before.requestsPerSecond} and ${after.requestsPerSecond}: ${ratio}`);
      before = after;
    }
  }
  return rounds;
}

function ratiosOf(rounds: RatioRound[], endpoint: string): number[] {
  return rounds.filter((round) => round.endpoint === endpoint).map((round) => round.ratio);
}

function roundRatios(rounds: RatioRound[], endpoint: string): string {
  return ratiosOf(rounds, endpoint).join(", ");
}

function medianRatio(rounds: RatioRound[], endpoint: string): number | null {
  const ratios = ratiosOf(rounds, endpoint).sort((a, b) => a - b);
  if (ratios.length === 0) return null;
  const middle = Math.floor(ratios.length / 2);
  return ratios.length % 2 === 1 ? ratios[middle]! : +((ratios[middle - 1]! + ratios[middle]!) / 2).toFixed(3);
}

function table(rows: Measurement[]): string {
  const header = "endpoint            conns      req/s    p50 ms    p99 ms   errors";
  const lines = rows.map((row) =>
    [
      row.endpoint.padEnd(18),
      String(row.connections).padStart(6),
      String(row.requestsPerSecond).padStart(10),
      String(row.latencyP50Ms).padStart(9),
      String(row.latencyP99Ms).padStart(9),
      String(row.errors).padStart(8),
    ].join(" "),
  );
  return [header, ...lines].join("\n");
}

async function main(): Promise<void> {
  buildIfNeeded(say);

  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  const dropDatabase = POSTGRES_SERVER_URL ? await createPostgresDatabase(POSTGRES_SERVER_URL) : async () => undefined;
  try {
    await run();
  } finally {
    await dropDatabase();
  }
}

async function run(): Promise<void> {
  say(`database: ${PROVIDER}${POSTGRES_SERVER_URL ? ` (${POSTGRES_DATABASE})` : ""}`);
  await prepareDatabase();
  const db = getDb();
  const business = await db.business.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
  const seeding = Date.now();
  if (STORED_BASKETS > 0) {
    say(`storing ${STORED_BASKETS} paid checkouts beside the fresh ones…`);
    for (let stored = 0; stored < STORED_BASKETS; stored += 100_000) {
      await seedBenchCheckouts({ businessId: business.id, count: Math.min(100_000, STORED_BASKETS - stored), label: `stored${stored}` });
      say(`  ${Math.min(stored + 100_000, STORED_BASKETS)} stored (${((Date.now() - seeding) / 1000).toFixed(0)} s)`);
    }
  }
  say(`creating ${REGISTRATIONS + FLOOR_REGISTRATIONS} paid checkouts and 500 registered invoices in bulk…`);
  const fresh = await seedBenchCheckouts({ businessId: business.id, count: REGISTRATIONS, label: "http" });
  const floorCheckouts = await seedBenchCheckouts({ businessId: business.id, count: FLOOR_REGISTRATIONS, label: "floor" });
  const registered = await seedBenchCheckouts({ businessId: business.id, count: 500, registered: true, label: "reads" });
  const invoiceTokens = await Promise.all(
    registered.map(async ({ invoiceId }) => {
      const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { customerId: true } });
      return { invoiceId, token: await mintInvoiceToken({ invoiceId, customerId: invoice.customerId! }) };
    }),
  );
  await disconnectDb();
  say(`seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

  let floor: { registrationsPerSecond: number; count: number };
  if (PROVIDER === "postgresql") {
    floor = await measurePostgresFloor(process.env.DATABASE_URL!, floorCheckouts);
  } else {
    const floorFile = path.join(DATA_DIR, "floor.db");
    copyFileSync(path.join(DATA_DIR, "app.db"), floorFile);
    floor = measureSqliteFloor(floorFile, floorCheckouts);
  }
  say(`database floor (raw SQL, ${PROVIDER === "postgresql" ? "pg" : "better-sqlite3"}): ${floor.registrationsPerSecond} registrations/s`);

  const server = await startServer();
  const mailWorker = MAIL_WORKER === "process" ? startMailWorkerProcess() : null;
  try {
    const measurements: Measurement[] = [];
    let next = 0;
    const nextRegistration = () => {
      const checkout = fresh[next++];
      if (!checkout) throw new Error("out of fresh basket sessions: raise BENCH_REGISTRATIONS");
      return `/api/public/billing/invoices/${checkout.invoiceId}/registerByToken?token=${checkout.token}`;
    };
    let read = 0;
    const nextRead = (kind: "pdfByToken" | "summaryByToken") => {
      const { invoiceId, token } = invoiceTokens[read++ % invoiceTokens.length]!;
      return `/api/public/billing/invoices/${invoiceId}/${kind}?token=${token}`;
    };

    const allEndpoints: [string, Partial<autocannon.Options>][] = [
      ["no-op route", { method: "POST", url: `${BASE}/api/bench/noop`, body: "{}" }],
      ["GET /api/health", { url: `${BASE}/api/health` }],
      ["registerByToken", { requests: [{ method: "POST", body: "{}", setupRequest: (request) => ({ ...request, path: nextRegistration() }) }] }],
      ["pdfByToken", { requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextRead("pdfByToken") }) }] }],
      ["summaryByToken", { requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextRead("summaryByToken") }) }] }],
    ];
    const endpoints = allEndpoints.filter(([name]) => !ONLY || name === "no-op route" || ONLY.some((only) => name.includes(only)));
    for (const [name, options] of endpoints) {
      await measure(name, 10, options, 1); // warm-up, not counted
      for (const connections of CONNECTIONS) {
        const measurement = await measure(name, connections, options);
        measurements.push(measurement);
        say(`${name} @ ${connections}: ${measurement.requestsPerSecond} req/s, p99 ${measurement.latencyP99Ms} ms, ${measurement.errors} errors`);
      }
    }

    const rounds = await measureRatioRounds(endpoints);
    const at50 = (name: string) => measurements.find((row) => row.endpoint === name && row.connections === 50);
    const ratios = { registerByTokenToNoop: medianRatio(rounds, "registerByToken"), pdfByTokenToNoop: medianRatio(rounds, "pdfByToken") };
    const completion = await firstLoadJs(`/checkout/complete?invoiceId=${fresh[0]!.invoiceId}&basketSession=${fresh[0]!.token}`);
    const blank = await firstLoadJs("/bench/blank");
    const firstLoad = { completionPageBytes: completion.bytes, blankPageBytes: blank.bytes, ratio: +(completion.bytes / blank.bytes).toFixed(3) };

    const mail = await mailDuringRun();

    const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
    console.log(`\n${table(measurements)}\n`);
    console.log(`ratios to the no-op route at 50 connections, median of ${RATIO_ROUNDS} interleaved rounds (each round's in brackets):`);
    console.log(`  registerByToken / no-op: ${ratios.registerByTokenToNoop} [${roundRatios(rounds, "registerByToken")}] (target ≥ 0.5, p99 ≤ 50 ms: ${at50("registerByToken")?.latencyP99Ms} ms)`);
    console.log(`  pdfByToken / no-op:      ${ratios.pdfByTokenToNoop} [${roundRatios(rounds, "pdfByToken")}] (target ≥ 0.3)`);
    console.log(`first-load JS, gzipped: completion page ${completion.bytes} B, blank page ${blank.bytes} B, ratio ${firstLoad.ratio} (target ≤ 1.15)`);
    console.log(`database: ${PROVIDER}, ${STORED_BASKETS + REGISTRATIONS + FLOOR_REGISTRATIONS + 500} basket sessions stored at the start`);
    console.log(`database floor (raw SQL registration, one connection, no Next.js): ${floor.registrationsPerSecond}/s`);
    console.log(`registration e-mails: ${mail.sent} of ${mail.queued} delivered by the end of the run (mail worker: ${MAIL_WORKER})`);
    console.log(`machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`);

    mkdirSync("bench-results", { recursive: true });
    const file = path.join("bench-results", `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), machine, provider: PROVIDER, storedBaskets: STORED_BASKETS, durationSeconds: DURATION_SECONDS, mailWorker: MAIL_WORKER, mail, measurements, ratioRounds: rounds, ratios, firstLoad, databaseFloor: floor }, null, 2));
    console.log(`figures written to ${file}`);
  } finally {
    if (mailWorker?.pid) process.kill(-mailWorker.pid, "SIGTERM");
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    if (PROFILE) await new Promise((resolve) => server.once("exit", resolve));
  }
}

main().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
