// `npm run bench`: how close the endpoints come to what the framework itself can do on this machine, on SQLite and
// on PostgreSQL. Builds if needed; then, for each database, in a process of its own: prepares a fresh database with
// paid checkouts in bulk, measures the database floor, starts the production server (scripts/serve.mjs), and
// measures each endpoint with autocannon at 1, 10 and 50 connections. Prints both tables and both sets of ratios
// side by side, and writes every figure as JSON under bench-results/ (not committed).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";

import autocannon from "autocannon";
import pg from "pg";
import { z } from "zod";

import { makeWaitingFulfilmentsDue, seedBenchCheckouts, type BenchCheckout } from "@/lib/server/db/bench-data";
import { registerByToken } from "@/lib/server/billing/register-by-token";
import { disconnectDb, getDb } from "@/lib/server/db";
import { testPostgresUrl, withDatabase } from "@/test/paths";
import { getInvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { renderInvoicePdf } from "@/lib/server/invoices/render-invoice-pdf";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { buildIfNeeded } from "@/scripts/lib/build";
import { measureCompletionPage, type CompletionPageTiming } from "@/scripts/lib/completion-page";
import { childServerEnv } from "@/scripts/lib/child-env";
import { prepareDatabase } from "@/scripts/lib/prepare-database";

type Provider = "sqlite" | "postgresql";
/** Set in the process that measures one database (the parent runs one such process per database). */
const RUN = z.enum(["sqlite", "postgresql"]).optional().parse(process.env.BENCH_RUN_DATABASE);

const PORT = Number(process.env.BENCH_PORT ?? 3450);
const BASE = `http://127.0.0.1:${PORT}`;
const DURATION_SECONDS = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = [1, 10, 50] as const;
const REGISTRATIONS = Number(process.env.BENCH_REGISTRATIONS ?? 60_000);
/**
 * The ratios to the no-op route are taken in rounds, each endpoint right between two no-op measurements at the
 * same number of connections, and the median round is reported: on a shared virtual machine the speed of the CPU
 * drifts by tens of percent within a run, which a ratio of two measurements a minute apart would take for the code's.
 */
const RATIO_ROUNDS = Number(process.env.BENCH_RATIO_ROUNDS ?? 3);
const RATIO_TARGETS: readonly (readonly [endpoint: string, connections: number])[] = [
  ["registerByToken", 50],
  ["pdfByToken", 10],
  ["pdfByToken", 50],
];
const FLOOR_REGISTRATIONS = 5_000;
/** Registered invoices whose PDF is downloaded again and again (rendered once, then served from memory). */
const READ_INVOICES = 500;
/** Registered invoices whose PDF is downloaded once each: every request renders one. */
const FIRST_DOWNLOADS = Number(process.env.BENCH_FIRST_DOWNLOADS ?? 4_000);
/** Paid checkouts stored beside the fresh ones (never registered in the run): how the cost grows with stored data. */
/** Completion pages loaded in Chromium for the guest's wait (median of these, after two not counted). */
const COMPLETION_PAGE_LOADS = Number(process.env.BENCH_COMPLETION_PAGE_LOADS ?? 20);
const STORED_BASKETS = Number(process.env.BENCH_STORED_BASKETS ?? 0);
/**
 * The PostgreSQL server: BENCH_DATABASE_URL, or the one the test suite uses (TEST_POSTGRES_URL, or a local server
 * that answers pg_isready). A fresh database `billing_bench_<random>` is created on it for the run (the role needs
 * CREATEDB) and dropped at the end. BENCH_DATABASES=sqlite (or postgresql) measures one database only.
 */
const POSTGRES_SERVER_URL = process.env.BENCH_DATABASE_URL?.startsWith("postgres")
  ? process.env.BENCH_DATABASE_URL
  : null;
const POSTGRES_DATABASE = `billing_bench_${randomBytes(4).toString("hex")}`;
/** BENCH_ONLY=registerByToken,pdfByToken measures just those (with the no-op route for the ratios). */
const ONLY = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
/** Whether the endpoint called `name` is measured in this run (BENCH_ONLY). */
const isMeasured = (name: string) => !ONLY || ONLY.some((only) => name.includes(only));
/** BENCH_PROFILE=1 writes a CPU profile of the server to bench-results/profiles/ (open it in Chrome DevTools). */
const PROFILE = process.env.BENCH_PROFILE === "1";
/** PostgreSQL: registerByToken and the no-op route measured with 1, 2 and 4 instances of the server side by side. */
const INSTANCES = (process.env.BENCH_INSTANCES ?? "1,2,4").split(",").map(Number);
/**
 * Who delivers the registrations' e-mails during the run: "process" (default) a mail worker process beside the
 * server, as deployed with MAIL_WORKER_ENABLED=false on serving instances; "in-process" the server's own worker
 * (the single-process default of `npm start`); "off" nobody.
 */
const MAIL_WORKER = z.enum(["process", "in-process", "off"]).parse(process.env.BENCH_MAIL_WORKER ?? "process");

const DATA_DIR = path.join(".data", `bench-${RUN ?? "all"}`);
if (RUN) {
  // The bench process and the server share the database and the signing key.
  process.env.DATABASE_URL =
    RUN === "postgresql" ? withDatabase(POSTGRES_SERVER_URL!, POSTGRES_DATABASE) : `file:./${DATA_DIR}/app.db`;
  process.env.INVOICE_TOKEN_SECRETS = randomBytes(32).toString("base64url");
  process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
  process.env.APP_ENV = "development";
  // As the server is configured (serverEnv): the bench's own charges, in the floor, are never refused either.
  process.env.RATE_LIMIT_IP_POINTS = "1000000000";
  process.env.RATE_LIMIT_TOKEN_POINTS = "1000000000";
}
const PROVIDER: Provider = RUN ?? "sqlite";

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
  /** CPU time per request (ms) of the servers' processes, and of the database server's (PostgreSQL's processes). */
  cpuMsPerRequest: { server: number; database: number };
}

/** The servers measured (their process ids), for the CPU each request costs them. */
const serverPids = new Set<number>();
const CLOCK_TICKS_PER_SECOND = 100;

/** User and system CPU time (ms) of each of these processes so far, from /proc (none where there is no /proc). */
function cpuMsOf(pids: Iterable<number>): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      times.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // gone, or no /proc
    }
  }
  return times;
}

/** CPU time used since `before` by the processes alive now (one that started since counts from zero). */
function cpuMsSince(before: Map<number, number>, pids: Iterable<number>): number {
  let used = 0;
  for (const [pid, now] of cpuMsOf(pids)) used += now - (before.get(pid) ?? 0);
  return used;
}

/** The processes on this machine whose /proc files answer `matches` (none where there is no /proc). */
function pidsWhere(matches: (pid: string) => boolean): number[] {
  try {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .filter((pid) => {
        try {
          return matches(pid);
        } catch {
          return false; // gone meanwhile
        }
      })
      .map(Number);
  } catch {
    return [];
  }
}

/** PostgreSQL's processes on this machine (the bench's server is local), or none. */
function postgresPids(): number[] {
  if (PROVIDER !== "postgresql") return [];
  return pidsWhere((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres");
}

async function measure(
  endpoint: string,
  connections: number,
  options: Partial<autocannon.Options>,
  seconds = DURATION_SECONDS,
): Promise<Measurement> {
  const before = { server: cpuMsOf(serverPids), database: cpuMsOf(postgresPids()) };
  const result = await autocannon({ url: BASE, connections, duration: seconds, pipelining: 1, ...options });
  const requests = Math.max(1, result.requests.total);
  const perRequest = (used: number) => +(used / requests).toFixed(2);
  return {
    endpoint,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    cpuMsPerRequest: {
      server: perRequest(cpuMsSince(before.server, serverPids)),
      database: perRequest(cpuMsSince(before.database, postgresPids())),
    },
  };
}

interface Floor {
  connections: number;
  registrationsPerSecond: number;
  count: number;
}

/**
 * The registration without Next.js and HTTP: the app's own operation (`registerByToken`, as the route calls it) in
 * this process, `connections` at a time, on the data layer as the server configures it (its pools, its SQLite write
 * queue). What the app's code and the database allow, before a request is parsed or an answer sent.
 */
async function measureFloor(checkouts: BenchCheckout[], connections: number): Promise<Floor> {
  const queue = [...checkouts];
  const logLevel = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "warn";
  const started = process.hrtime.bigint();
  try {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        for (let checkout = queue.pop(); checkout; checkout = queue.pop())
          await registerByToken({
            token: checkout.token,
            invoiceId: String(checkout.invoiceId),
            idempotencyKey: null,
            clientIp: "127.0.0.1",
          });
      }),
    );
  } finally {
    if (logLevel === undefined) delete process.env.LOG_LEVEL;
    else process.env.LOG_LEVEL = logLevel;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { connections, registrationsPerSecond: Math.round(checkouts.length / seconds), count: checkouts.length };
}

/** How many of the e-mails the registrations queued were delivered while the benchmark ran. */
async function mailDuringRun(): Promise<{ queued: number; sent: number }> {
  const registrationMail = { kind: { startsWith: "registration." } };
  try {
    const { outboxMessage } = getDb();
    return {
      queued: await outboxMessage.count({ where: registrationMail }),
      sent: await outboxMessage.count({ where: { ...registrationMail, status: "sent" } }),
    };
  } finally {
    await disconnectDb();
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
  const sources = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)]
    .filter((match) => !/\bnoModule\b/i.test(match[0]))
    .map((match) => match[1]!);
  let bytes = 0;
  for (const source of new Set(sources))
    bytes += gzipSync(Buffer.from(await (await fetch(new URL(source, BASE))).arrayBuffer())).length;
  return { bytes, chunks: new Set(sources).size };
}

const serverEnv = (port = PORT) =>
  childServerEnv({
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    ENABLE_BENCH_ROUTES: "1",
    // The limiter still counts every request in the database; it just never refuses this one client.
    RATE_LIMIT_IP_POINTS: "1000000000",
    RATE_LIMIT_TOKEN_POINTS: "1000000000",
    RATE_LIMIT_CHECKOUT_POINTS: "1000000000",
    MAIL_OUTBOX_DIR: path.join(DATA_DIR, "mail-outbox"),
    MAIL_WORKER_ENABLED: MAIL_WORKER === "in-process" ? "true" : "false",
    MAIL_WORKER_INTERVAL_MS: "500",
    NEXT_TELEMETRY_DISABLED: "1",
  });

/** `npm run mail:worker`, beside the server. */
function startMailWorkerProcess(): ChildProcess {
  return spawn(
    path.join("node_modules", ".bin", "tsx"),
    ["--conditions=react-server", path.join("scripts", "mail-worker.ts")],
    {
      env: serverEnv(),
      stdio: ["ignore", "ignore", "inherit"],
      detached: true,
    },
  );
}

async function startServer(port = PORT): Promise<ChildProcess> {
  if (PROFILE) mkdirSync(path.join("bench-results", "profiles"), { recursive: true });
  // The database is prepared and the build is current: serve it directly, so a profiler can be attached.
  const profile =
    PROFILE && port === PORT ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve("bench-results", "profiles")}`] : [];
  const server = spawn(process.execPath, [...profile, path.join("scripts", "serve.mjs"), "--port", String(port)], {
    env: serverEnv(port),
    stdio: ["ignore", "ignore", "inherit"],
    detached: true,
  });
  if (server.pid) serverPids.add(server.pid);
  for (let attempt = 0; attempt < 240; attempt++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return server;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the server on port ${port} did not start`);
}

/** Ends a process group and waits for it to exit (before its database is dropped). */
async function stop(child: ChildProcess | null): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  serverPids.delete(child.pid);
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  await exited;
}

interface RatioRound {
  endpoint: string;
  connections: number;
  noopBefore: Measurement;
  measurement: Measurement;
  noopAfter: Measurement;
  /** The endpoint's requests per second over the mean of the two no-op measurements around it. */
  ratio: number;
  /** Its p99 latency over the mean of theirs. */
  p99Ratio: number;
}

type Endpoint = readonly [name: string, options: Partial<autocannon.Options>];

/** RATIO_ROUNDS rounds; in each, every target (endpoint, connections) right between two no-op measurements. */
async function measureRatioRounds(noop: Endpoint, endpoints: readonly Endpoint[]): Promise<RatioRound[]> {
  const targets = RATIO_TARGETS.flatMap(([name, connections]) => {
    const endpoint = endpoints.find(([candidate]) => candidate === name);
    return endpoint ? [{ endpoint, connections }] : [];
  });
  const rounds: RatioRound[] = [];
  for (let round = 1; round <= RATIO_ROUNDS && targets.length > 0; round++) {
    let before: Measurement | null = null;
    for (const {
      endpoint: [name, options],
      connections,
    } of targets) {
      if (before?.connections !== connections) before = await measure(noop[0], connections, noop[1]);
      const measurement = await measure(name, connections, options);
      const after = await measure(noop[0], connections, noop[1]);
      const mean = (pick: (row: Measurement) => number) => (pick(before!) + pick(after)) / 2;
      const ratio = +(measurement.requestsPerSecond / mean((row) => row.requestsPerSecond)).toFixed(3);
      const p99Ratio = +(measurement.latencyP99Ms / mean((row) => row.latencyP99Ms)).toFixed(2);
      rounds.push({ endpoint: name, connections, noopBefore: before, measurement, noopAfter: after, ratio, p99Ratio });
      say(
        `round ${round}: ${name} @ ${connections} ${measurement.requestsPerSecond} req/s between no-op ${before.requestsPerSecond} and ${after.requestsPerSecond}: ${ratio}`,
      );
      before = after;
    }
  }
  return rounds;
}

function median(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : +((sorted[middle - 1]! + sorted[middle]!) / 2).toFixed(3);
}

interface Ratio {
  endpoint: string;
  connections: number;
  median: number | null;
  rounds: number[];
  p99RatioMedian: number | null;
}

function ratiosOf(rounds: RatioRound[]): Ratio[] {
  return RATIO_TARGETS.flatMap(([endpoint, connections]) => {
    const mine = rounds.filter((round) => round.endpoint === endpoint && round.connections === connections);
    if (mine.length === 0) return [];
    return [
      {
        endpoint,
        connections,
        median: median(mine.map((round) => round.ratio)),
        rounds: mine.map((round) => round.ratio),
        p99RatioMedian: median(mine.map((round) => round.p99Ratio)),
      },
    ];
  });
}

interface Scaling {
  instances: number;
  endpoint: string;
  requestsPerSecond: number;
  latencyP99Ms: number;
  errors: number;
}

/**
 * `instances` servers side by side on one database, the load split evenly between them as a load balancer in front
 * would (one autocannon per instance, 50 connections in all): requests per second summed, the worst p99.
 */
async function measureInstances(instances: number, endpoints: readonly Endpoint[]): Promise<Scaling[]> {
  const extra: ChildProcess[] = [];
  try {
    for (let index = 1; index < instances; index++) extra.push(await startServer(PORT + index));
    const rows: Scaling[] = [];
    for (const [name, options] of endpoints) {
      const parts = await Promise.all(
        Array.from({ length: instances }, (_, index) => {
          const base = `http://127.0.0.1:${PORT + index}`;
          const rebased = { ...options, url: options.url?.replace(BASE, base) ?? base };
          return measure(name, Math.floor(50 / instances) + (index < 50 % instances ? 1 : 0), rebased);
        }),
      );
      const row = {
        instances,
        endpoint: name,
        requestsPerSecond: parts.reduce((sum, part) => sum + part.requestsPerSecond, 0),
        latencyP99Ms: Math.max(...parts.map((part) => part.latencyP99Ms)),
        errors: parts.reduce((sum, part) => sum + part.errors, 0),
      };
      rows.push(row);
      say(
        `${instances} instance(s): ${name} ${row.requestsPerSecond} req/s, p99 ${row.latencyP99Ms} ms, ${row.errors} errors`,
      );
    }
    return rows;
  } finally {
    for (const server of extra) await stop(server);
  }
}

/** The processes of a process group (a child spawned detached, with whatever it spawned itself: tsx runs node). */
function groupPids(groupId: number): number[] {
  return pidsWhere(
    (pid) => Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ")[2]) === groupId,
  );
}

/** What a guest's purchase costs beside the registration: the payment, the receipt, the server's own registration. */
interface Fulfilment {
  /** POST /api/checkout with the card that pays at once: charge, invoice number, receipt queued, in one request. */
  payment: Measurement[];
  /** The receipts of those checkouts, rendered (PDF attached) and delivered by the mail worker process. */
  receipts: { count: number; seconds: number; cpuMsEach: number } | null;
  /** The same checkouts, never registered by a page, registered by the server's background work once their time came. */
  serverRegistration: {
    count: number;
    registrationsPerSecond: number;
    cpuMsEach: { server: number; database: number };
  };
}

async function waitFor(what: string, timeoutMs: number, done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function measureFulfilment(mailWorker: ChildProcess | null): Promise<Fulfilment> {
  const db = getDb();
  try {
    const product = await db.product.findFirstOrThrow({
      where: { active: true },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    let placed = 0;
    const checkout: Partial<autocannon.Options> = {
      requests: [
        {
          method: "POST",
          path: "/api/checkout",
          headers: { "content-type": "application/json" },
          setupRequest: (request) => ({
            ...request,
            body: JSON.stringify({
              orderKey: randomUUID(),
              guest: {
                fullName: "Bench Guest",
                email: `bench-checkout-${placed++}-${randomBytes(4).toString("hex")}@example.com`,
              },
              lines: [{ productId: product.id, quantity: 1 }],
              card: { number: "4242 4242 4242 4242", expiry: "12/34", cvc: "123" },
            }),
          }),
        },
      ],
    };
    const workerPids = () => (mailWorker?.pid ? groupPids(mailWorker.pid) : []);
    const workerBefore = cpuMsOf(workerPids());
    const receiptsStarted = Date.now();
    await measure("checkout", 10, checkout, 1); // warm-up, not counted
    const payment: Measurement[] = [];
    for (const connections of [1, 10]) {
      const measurement = await measure("POST /api/checkout", connections, checkout);
      if (measurement.errors > 0)
        throw new Error(
          `POST /api/checkout: ${measurement.errors} of ${measurement.requests} checkouts not answered 200`,
        );
      payment.push(measurement);
      say(
        `POST /api/checkout @ ${connections}: ${measurement.requestsPerSecond} req/s, p99 ${measurement.latencyP99Ms} ms, ${measurement.errors} errors, CPU per request: server ${measurement.cpuMsPerRequest.server} ms, database ${measurement.cpuMsPerRequest.database} ms`,
      );
    }
    const paidWaiting = { fulfilAt: { not: null }, consumedAt: null } as const;

    let receipts: Fulfilment["receipts"] = null;
    if (mailWorker) {
      // Counted afresh each time: a checkout autocannon gave up on at the end of its run may still be completing.
      let queued = 0;
      await waitFor("the mail worker delivered every receipt", 600_000, async () => {
        queued = await db.outboxMessage.count({ where: { kind: "checkout.receipt" } });
        return (await db.outboxMessage.count({ where: { kind: "checkout.receipt", status: "sent" } })) >= queued;
      });
      const seconds = (Date.now() - receiptsStarted) / 1000;
      receipts = {
        count: queued,
        seconds: +seconds.toFixed(1),
        cpuMsEach: +(cpuMsSince(workerBefore, workerPids()) / Math.max(1, queued)).toFixed(2),
      };
      say(
        `receipts: ${queued} rendered and delivered by the mail worker in ${receipts.seconds} s (from the first checkout), ${receipts.cpuMsEach} ms of its CPU each`,
      );
    }

    if ((await db.basketSession.count({ where: paidWaiting })) === 0)
      throw new Error("no paid checkout waits for its registration");
    // Their grace period over at once: the server's background work registers them, in rounds of batches.
    const before = { server: cpuMsOf(serverPids), database: cpuMsOf(postgresPids()) };
    await makeWaitingFulfilmentsDue();
    await waitFor(
      "the server registered every paid checkout",
      600_000,
      async () => (await db.basketSession.count({ where: paidWaiting })) === 0,
    );
    const used = {
      server: cpuMsSince(before.server, serverPids),
      database: cpuMsSince(before.database, postgresPids()),
    };
    const span = await db.basketSession.aggregate({
      where: { registeredBy: "server" },
      _min: { consumedAt: true },
      _max: { consumedAt: true },
      _count: true,
    });
    const spanSeconds = Math.max(0.001, (span._max.consumedAt!.getTime() - span._min.consumedAt!.getTime()) / 1000);
    const serverRegistration = {
      count: span._count,
      registrationsPerSecond: Math.round(span._count / spanSeconds),
      cpuMsEach: {
        server: +(used.server / Math.max(1, span._count)).toFixed(2),
        database: +(used.database / Math.max(1, span._count)).toFixed(2),
      },
    };
    say(
      `server registration: ${span._count} checkouts at ${serverRegistration.registrationsPerSecond}/s, CPU each: server ${serverRegistration.cpuMsEach.server} ms, database ${serverRegistration.cpuMsEach.database} ms`,
    );
    return { payment, receipts, serverRegistration };
  } finally {
    await disconnectDb();
  }
}

/** What one database's run measured; the parent prints the runs side by side. */
interface RunResult {
  at: string;
  provider: Provider;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  storedBaskets: number;
  /** The invoice PDF store's cost: the bytes of one invoice's PDF (one line, the business's logo). */
  storedPdfBytesEach: number | null;
  durationSeconds: number;
  mailWorker: string;
  mail: { queued: number; sent: number };
  measurements: Measurement[];
  ratioRounds: RatioRound[];
  ratios: Ratio[];
  firstLoad: { completionPageBytes: number; blankPageBytes: number; ratio: number };
  /** The completion page in Chromium, navigation → receipt and download link (null when not measured). */
  completionPage: CompletionPageTiming | null;
  fulfilment: Fulfilment;
  floors: Floor[];
  scaling: Scaling[];
}

async function runOneDatabase(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  mkdirSync(DATA_DIR, { recursive: true });
  const dropDatabase =
    PROVIDER === "postgresql" ? await createPostgresDatabase(POSTGRES_SERVER_URL!) : async () => undefined;
  try {
    const result = await run();
    writeFileSync(
      process.env.BENCH_RESULT_FILE ?? path.join("bench-results", `bench-${PROVIDER}.json`),
      JSON.stringify(result, null, 2),
    );
  } finally {
    await dropDatabase();
  }
}

async function run(): Promise<RunResult> {
  say(`database: ${PROVIDER}${PROVIDER === "postgresql" ? ` (${POSTGRES_DATABASE})` : ""}`);
  await prepareDatabase();
  const db = getDb();
  const business = await db.business.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
  const seeding = Date.now();
  if (STORED_BASKETS > 0) {
    say(`storing ${STORED_BASKETS} paid checkouts beside the fresh ones…`);
    for (let stored = 0; stored < STORED_BASKETS; stored += 100_000) {
      await seedBenchCheckouts({
        businessId: business.id,
        count: Math.min(100_000, STORED_BASKETS - stored),
        label: `stored${stored}`,
      });
      say(`  ${Math.min(stored + 100_000, STORED_BASKETS)} stored (${((Date.now() - seeding) / 1000).toFixed(0)} s)`);
    }
  }
  say(
    `creating ${REGISTRATIONS + FLOOR_REGISTRATIONS} paid checkouts and ${READ_INVOICES + FIRST_DOWNLOADS} registered invoices in bulk…`,
  );
  const fresh = await seedBenchCheckouts({ businessId: business.id, count: REGISTRATIONS, label: "http" });
  // The completion page's guests, kept apart from the load's: each page load registers one basket of its own.
  const pageGuests = fresh.splice(-(COMPLETION_PAGE_LOADS + 2));
  const floorCheckouts = await seedBenchCheckouts({
    businessId: business.id,
    count: FLOOR_REGISTRATIONS,
    label: "floor",
  });
  const tokensFor = (checkouts: BenchCheckout[]) =>
    Promise.all(
      checkouts.map(async ({ invoiceId }) => {
        const invoice = await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { customerId: true } });
        return { invoiceId, token: await mintInvoiceToken({ invoiceId, customerId: invoice.customerId! }) };
      }),
    );
  const invoiceTokens = await tokensFor(
    await seedBenchCheckouts({ businessId: business.id, count: READ_INVOICES, registered: true, label: "reads" }),
  );
  const firstDownloadTokens = await tokensFor(
    await seedBenchCheckouts({ businessId: business.id, count: FIRST_DOWNLOADS, registered: true, label: "first" }),
  );
  // A guest's first download comes after the receipt: the mail worker drew its PDF at payment, into the store every
  // instance reads (render-invoice-pdf.ts). Drawn here, in another process than the server's, as it would be.
  const storedPdfs = { count: 0, bytes: 0 };
  if (isMeasured("pdfByToken, first")) {
    say(`drawing the ${firstDownloadTokens.length} first downloads' PDFs into the store, as the receipts would…`);
    for (const { invoiceId } of firstDownloadTokens) {
      const pdf = await renderInvoicePdf((await getInvoiceDocument(invoiceId))!);
      storedPdfs.count++;
      storedPdfs.bytes += pdf.length;
    }
    say(`  ${storedPdfs.count} PDFs stored, ${Math.round(storedPdfs.bytes / storedPdfs.count)} B each on average`);
  }
  await disconnectDb();
  say(`seeded in ${((Date.now() - seeding) / 1000).toFixed(1)} s`);

  const half = Math.floor(floorCheckouts.length / 2);
  const floors = [
    await measureFloor(floorCheckouts.slice(0, half), 1),
    await measureFloor(floorCheckouts.slice(half), 50),
  ];
  await disconnectDb();
  for (const floor of floors)
    say(
      `floor (registerByToken in-process, no HTTP, ${floor.connections} at a time): ${floor.registrationsPerSecond} registrations/s`,
    );

  const server = await startServer();
  const mailWorker = MAIL_WORKER === "process" ? startMailWorkerProcess() : null;
  try {
    // First, while the outbox is empty: the mail worker's time is then the receipts' alone.
    const fulfilment = await measureFulfilment(mailWorker);
    // Then the guest's wait, on a server with nothing else to do.
    let completionPage: CompletionPageTiming | null = null;
    if (isMeasured("completion page")) {
      completionPage = await measureCompletionPage(
        BASE,
        pageGuests.map(({ invoiceId, token }) => `/checkout/complete?invoiceId=${invoiceId}&basketSession=${token}`),
      );
      say(
        `completion page (Chromium, 375 px, median of ${completionPage.runs}): receipt and link at ${completionPage.medianMs} ms (painted ${completionPage.paintedMedianMs} ms, slowest ${completionPage.maxMs} ms); HTML ${completionPage.responseEndMedianMs} ms, registration ${completionPage.registeredMedianMs} ms, summary ${completionPage.summaryMedianMs} ms`,
      );
    }
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
    let firstDownload = 0;
    const nextFirstDownload = () => {
      const invoice = firstDownloadTokens[firstDownload++];
      if (!invoice) throw new Error("out of invoices never downloaded: raise BENCH_FIRST_DOWNLOADS");
      return `/api/public/billing/invoices/${invoice.invoiceId}/pdfByToken?token=${invoice.token}`;
    };

    const noop: Endpoint = ["no-op route", { method: "POST", url: `${BASE}/api/bench/noop`, body: "{}" }];
    const allEndpoints: Endpoint[] = [
      noop,
      ["GET /api/health", { url: `${BASE}/api/health` }],
      [
        "registerByToken",
        {
          requests: [
            { method: "POST", body: "{}", setupRequest: (request) => ({ ...request, path: nextRegistration() }) },
          ],
        },
      ],
      [
        "pdfByToken",
        { requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextRead("pdfByToken") }) }] },
      ],
      [
        "pdfByToken, first",
        {
          requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextFirstDownload() }) }],
          // A share of the invoices never downloaded for each number of connections, not a duration: read from
          // the store, they go as fast as repeats, faster than the bench could draw them beforehand.
          amount: Math.floor(FIRST_DOWNLOADS / CONNECTIONS.length),
        },
      ],
      [
        "summaryByToken",
        {
          requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextRead("summaryByToken") }) }],
        },
      ],
    ];
    const endpoints = allEndpoints.filter(([name]) => name === noop[0] || isMeasured(name));
    // "pdfByToken" is a repeated download: each of its invoices is rendered once here, before it is measured.
    if (endpoints.some(([name]) => name === "pdfByToken")) {
      await measure("warm-up", 10, {
        requests: [{ method: "GET", setupRequest: (request) => ({ ...request, path: nextRead("pdfByToken") }) }],
        amount: READ_INVOICES,
      });
    }
    for (const [name, options] of endpoints) {
      if (name !== "pdfByToken, first") await measure(name, 10, options, 1); // warm-up, not counted
      for (const connections of CONNECTIONS) {
        const measurement = await measure(name, connections, options);
        measurements.push(measurement);
        const cpu = measurement.cpuMsPerRequest;
        say(
          `${name} @ ${connections}: ${measurement.requestsPerSecond} req/s, p99 ${measurement.latencyP99Ms} ms, ${measurement.errors} errors, CPU per request: server ${cpu.server} ms, database ${cpu.database} ms`,
        );
      }
    }

    const ratioRounds = await measureRatioRounds(noop, endpoints);
    const scaling: Scaling[] = [];
    if (PROVIDER === "postgresql") {
      const scaled = endpoints.filter(([name]) => name === noop[0] || name === "registerByToken");
      for (const instances of INSTANCES) scaling.push(...(await measureInstances(instances, scaled)));
    }
    const completion = await firstLoadJs(
      `/checkout/complete?invoiceId=${fresh[0]!.invoiceId}&basketSession=${fresh[0]!.token}`,
    );
    const blank = await firstLoadJs("/bench/blank");
    return {
      at: new Date().toISOString(),
      provider: PROVIDER,
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        node: process.version,
      },
      storedBaskets: STORED_BASKETS,
      storedPdfBytesEach: storedPdfs.count ? Math.round(storedPdfs.bytes / storedPdfs.count) : null,
      durationSeconds: DURATION_SECONDS,
      mailWorker: MAIL_WORKER,
      mail: await mailDuringRun(),
      measurements,
      ratioRounds,
      ratios: ratiosOf(ratioRounds),
      firstLoad: {
        completionPageBytes: completion.bytes,
        blankPageBytes: blank.bytes,
        ratio: +(completion.bytes / blank.bytes).toFixed(3),
      },
      completionPage,
      fulfilment,
      floors,
      scaling,
    };
  } finally {
    await stop(mailWorker);
    await stop(server);
  }
}

// ---- The parent: one process per database, then the report ----

const TARGETS: Record<Provider, Record<string, string>> = {
  sqlite: { "registerByToken@50": "≥ 0.5, p99 ≤ 50 ms", "pdfByToken@10": "≥ 0.3", "pdfByToken@50": "≥ 0.3" },
  postgresql: { "registerByToken@50": "≥ 0.35, p99 ≤ 3 × no-op's", "pdfByToken@10": "≥ 0.3", "pdfByToken@50": "≥ 0.3" },
};

function report(results: RunResult[]): string {
  const names: Record<Provider, string> = { sqlite: "SQLite", postgresql: "PostgreSQL" };
  const cell = (row: Measurement | undefined) =>
    (row ? `${row.requestsPerSecond} (${row.latencyP50Ms} / ${row.latencyP99Ms})` : "–").padStart(20);
  const lines = [
    `${"endpoint".padEnd(20)}${"conns".padStart(6)}${results.map((result) => names[result.provider].padStart(20)).join("")}`,
  ];
  const first = results[0]!;
  for (const { endpoint, connections } of first.measurements) {
    const row = results.map((result) =>
      cell(result.measurements.find((each) => each.endpoint === endpoint && each.connections === connections)),
    );
    lines.push(`${endpoint.padEnd(20)}${String(connections).padStart(6)}${row.join("")}`);
  }
  lines.push(
    "(requests per second, then p50 / p99 latency in ms)",
    "",
    "CPU time per request at 50 connections, ms: the server's process / the database server's processes (PostgreSQL)",
  );
  for (const { endpoint, connections } of first.measurements.filter((row) => row.connections === 50)) {
    const row = results.map((result) => {
      const cpu = result.measurements.find(
        (each) => each.endpoint === endpoint && each.connections === connections,
      )?.cpuMsPerRequest;
      return (
        cpu ? (result.provider === "postgresql" ? `${cpu.server} / ${cpu.database}` : `${cpu.server}`) : "–"
      ).padStart(20);
    });
    lines.push(`${endpoint.padEnd(26)}${row.join("")}`);
  }
  lines.push("");
  lines.push(
    `ratios to the no-op route at the same connections, median of ${RATIO_ROUNDS} interleaved rounds (each round's in brackets):`,
  );
  for (const result of results) {
    for (const ratio of result.ratios) {
      const key = `${ratio.endpoint}@${ratio.connections}`;
      lines.push(
        `  ${names[result.provider].padEnd(11)} ${key.padEnd(19)} ${String(ratio.median).padEnd(6)} [${ratio.rounds.join(", ")}], p99 ${ratio.p99RatioMedian} × no-op's (target ${TARGETS[result.provider][key] ?? "–"})`,
      );
    }
  }
  lines.push("", "database floor (registerByToken in-process: no Next.js, no HTTP):");
  for (const result of results) {
    for (const floor of result.floors)
      lines.push(
        `  ${names[result.provider].padEnd(11)} ${floor.connections} connection(s): ${floor.registrationsPerSecond} registrations/s`,
      );
  }
  const scaling = results.flatMap((result) => result.scaling);
  if (scaling.length > 0) {
    lines.push("", "instances side by side on one PostgreSQL database, 50 connections split between them:");
    for (const row of scaling)
      lines.push(
        `  ${row.instances} × ${row.endpoint.padEnd(16)} ${String(row.requestsPerSecond).padStart(6)} req/s, p99 ${row.latencyP99Ms} ms, ${row.errors} errors`,
      );
  }
  lines.push("");
  for (const result of results) {
    const { firstLoad, mail } = result;
    lines.push(
      `${names[result.provider]}: first-load JS, gzipped: completion ${firstLoad.completionPageBytes} B, blank ${firstLoad.blankPageBytes} B, ratio ${firstLoad.ratio} (target ≤ 1.15)`,
    );
    if (result.completionPage) {
      const page = result.completionPage;
      lines.push(
        `${names[result.provider]}: completion page, navigation → receipt and link (Chromium, median of ${page.runs}): ${page.medianMs} ms, painted ${page.paintedMedianMs} ms, slowest ${page.maxMs} ms (target ≤ 300 ms); HTML at ${page.responseEndMedianMs} ms, registration ${page.registeredMedianMs} ms, summary ${page.summaryMedianMs} ms`,
      );
    }
    if (result.storedPdfBytesEach !== null)
      lines.push(`${names[result.provider]}: invoice PDF store: ${result.storedPdfBytesEach} B per invoice version`);
    lines.push(
      `${names[result.provider]}: registration e-mails: ${mail.sent} of ${mail.queued} delivered by the end of the run (mail worker: ${result.mailWorker})`,
    );
  }
  lines.push("", "fulfilment, per checkout (CPU ms: the server / the database server's processes on PostgreSQL):");
  for (const result of results) {
    const { payment, receipts, serverRegistration } = result.fulfilment;
    const name = names[result.provider].padEnd(11);
    for (const row of payment)
      lines.push(
        `  ${name} payment (POST /api/checkout) @ ${row.connections}: ${row.requestsPerSecond} req/s, p50 / p99 ${row.latencyP50Ms} / ${row.latencyP99Ms} ms, CPU ${row.cpuMsPerRequest.server} / ${row.cpuMsPerRequest.database}`,
      );
    lines.push(
      `  ${name} receipt (mail worker, PDF attached): ${receipts ? `${receipts.cpuMsEach} ms CPU each, ${receipts.count} in ${receipts.seconds} s` : "– (no mail worker process)"}`,
    );
    lines.push(
      `  ${name} registration by the server: ${serverRegistration.registrationsPerSecond}/s, CPU ${serverRegistration.cpuMsEach.server} / ${serverRegistration.cpuMsEach.database} (${serverRegistration.count} checkouts)`,
    );
  }
  lines.push(
    `machine: ${first.machine.cpus} × ${first.machine.cpuModel}, ${first.machine.memoryGiB} GiB, Node ${first.machine.node}`,
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (RUN) return runOneDatabase();
  buildIfNeeded(say);
  const postgresUrl = POSTGRES_SERVER_URL ?? testPostgresUrl();
  const wanted = (process.env.BENCH_DATABASES ?? "sqlite,postgresql").split(",").map((name) => name.trim());
  const providers = (["sqlite", "postgresql"] as const).filter((provider) => wanted.includes(provider));
  if (providers.includes("postgresql") && !postgresUrl) {
    say("no PostgreSQL server answers (set BENCH_DATABASE_URL): SQLite only");
    providers.splice(providers.indexOf("postgresql"), 1);
  }
  if (providers.length === 0)
    throw new Error(`nothing to measure: BENCH_DATABASES=${process.env.BENCH_DATABASES ?? ""}`);
  mkdirSync("bench-results", { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const results: RunResult[] = [];
  for (const provider of providers) {
    const file = path.join("bench-results", `bench-${stamp}-${provider}.json`);
    const child = spawnSync(
      path.join("node_modules", ".bin", "tsx"),
      ["--conditions=react-server", path.join("scripts", "bench.ts")],
      {
        env: {
          ...process.env,
          BENCH_RUN_DATABASE: provider,
          BENCH_RESULT_FILE: file,
          ...(postgresUrl ? { BENCH_DATABASE_URL: postgresUrl } : {}),
        },
        stdio: ["ignore", "inherit", "inherit"],
      },
    );
    if (child.status !== 0) throw new Error(`the ${provider} run failed`);
    results.push(JSON.parse(readFileSync(file, "utf8")) as RunResult);
  }
  console.log(`\n${report(results)}`);
  console.log(`figures written to bench-results/bench-${stamp}-*.json`);
}

main().catch((error: unknown) => {
  console.error(`[bench] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
