import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";

import Database from "better-sqlite3";

import { expect, test } from "./fixtures";

import {
  createDatabase,
  deliveredMail,
  openDescriptorsOf,
  providers,
  startBuiltServer,
  type BuiltServer,
  type TestDatabase,
} from "./built-server";
import { checkout, downloadPdf, register, requestSignInLink, send, Tally, type PaidCheckout } from "./traffic";

/**
 * The data layer under real traffic, against the built app (`next start`) on a database of its own: what
 * in-process tests cannot see (the bundler's copies of a module, HTTP, a killed process).
 */
const SOAK_SECONDS = Number(process.env.SOAK_SECONDS ?? 25);
/** Every request of these tests comes from 127.0.0.1: no limit may refuse it. */
const UNLIMITED = {
  RATE_LIMIT_IP_POINTS: "100000000",
  RATE_LIMIT_TOKEN_POINTS: "100000000",
  RATE_LIMIT_CHECKOUT_POINTS: "100000000",
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function productIdOf(database: TestDatabase): Promise<number> {
  const [product] = await database.rows<{ id: number }>(`SELECT "id" FROM "Product" ORDER BY "id" LIMIT 1`);
  if (!product) throw new Error("the seeded database has no product");
  return Number(product.id);
}

/** `count` checkouts placed and paid one after another, each by a guest of its own. */
async function paidCheckouts(
  tally: Tally,
  baseUrl: string,
  database: TestDatabase,
  input: { count: number; label: string },
): Promise<PaidCheckout[]> {
  const productId = await productIdOf(database);
  const checkouts: PaidCheckout[] = [];
  for (let index = 0; index < input.count; index++) {
    const paid = await checkout(tally, baseUrl, {
      productId,
      email: `${input.label}-${index}-${randomUUID()}@example.com`,
    });
    if (!paid) throw new Error(`checkout failed: ${tally.toString()}`);
    checkouts.push(paid);
  }
  return checkouts;
}

for (const provider of providers()) {
  test.describe(`the data layer on ${provider}`, () => {
    test.describe.configure({ mode: "serial", timeout: 240_000 });
    let database: TestDatabase;
    let server: BuiltServer | undefined;

    test.beforeEach(async () => {
      database = await createDatabase(provider, "data-layer");
    });

    test.afterEach(async ({}, testInfo) => {
      if (server && testInfo.status !== testInfo.expectedStatus)
        await testInfo.attach("server output", { body: server.output() });
      await server?.stop();
      server = undefined;
      await database.drop();
    });

    test(`twenty-odd seconds of mixed traffic leave checkout, registration and mail working, with no 5xx and nothing hung`, async () => {
      server = await startBuiltServer({ database, port: provider === "sqlite" ? 3331 : 3332, env: UNLIMITED });
      const { baseUrl } = server;
      const productId = await productIdOf(database);
      const customer = `soak-${randomUUID()}@example.com`;
      const tally = new Tally();
      const until = Date.now() + SOAK_SECONDS * 1000;
      const running: Promise<unknown>[] = [];

      // A guest every 300 ms: checkout, registration, PDF (one customer, so the sign-in links below reach someone).
      running.push(
        (async () => {
          const guests: Promise<void>[] = [];
          while (Date.now() < until) {
            guests.push(
              (async () => {
                const paid = await checkout(tally, baseUrl, { productId, email: customer });
                const token = paid && (await register(tally, baseUrl, paid.invoiceId, paid.basketSession));
                if (paid && token) await downloadPdf(tally, baseUrl, paid.invoiceId, token);
              })(),
            );
            await sleep(300);
          }
          await Promise.all(guests);
        })(),
      );
      // Guessed tokens, back to back.
      running.push(
        (async () => {
          while (Date.now() < until)
            await register(
              tally,
              baseUrl,
              1 + Math.floor(Math.random() * 50),
              randomUUID(),
              "registerByToken (guessed)",
            );
        })(),
      );
      // Sign-in links for that customer, every 500 ms.
      running.push(
        (async () => {
          const requests: Promise<void>[] = [];
          while (Date.now() < until) {
            requests.push(requestSignInLink(tally, baseUrl, customer));
            await sleep(500);
          }
          await Promise.all(requests);
        })(),
      );
      await Promise.all(running);

      expect(tally.failures(), tally.toString()).toEqual([]);
      expect(tally.count("registerByToken", 200), tally.toString()).toBeGreaterThanOrEqual(SOAK_SECONDS * 2);
      expect(tally.count("pdfByToken", 200)).toBe(tally.count("registerByToken", 200));

      // Afterwards, a new guest goes through within seconds, and their e-mail goes out.
      const after = new Tally();
      const guest = `after-soak-${randomUUID()}@example.com`;
      const started = Date.now();
      const paid = await checkout(after, baseUrl, { productId, email: guest });
      expect(paid, after.toString()).not.toBeNull();
      expect(await register(after, baseUrl, paid!.invoiceId, paid!.basketSession), after.toString()).not.toBeNull();
      expect(Date.now() - started).toBeLessThan(5000);
      await expect
        .poll(() => deliveredMail(server!.mailDir).some((mail) => mail.includes(guest)), { timeout: 15_000 })
        .toBe(true);
      expect((await send(after, "health", `${baseUrl}/api/health`))?.status).toBe(200);

      // The sign-in links were delivered too, not left queued behind a stuck transaction.
      await expect
        .poll(
          async () =>
            (
              await database.rows<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "OutboxMessage" WHERE "status" <> 'sent'`)
            )[0]?.n,
          { timeout: 15_000 },
        )
        .toEqual(provider === "sqlite" ? 0 : "0");

      if (provider === "sqlite") {
        // One connection for the whole build — instrumentation and every route chunk — plus the checkpointer's.
        expect(openDescriptorsOf(server.pids(), database.url.slice("file:".length))).toBe(2);
      }
    });

    test("a server killed in the middle of a burst of registrations leaves every checkout untouched or fully registered", async () => {
      const port = provider === "sqlite" ? 3333 : 3334;
      server = await startBuiltServer({ database, port, env: UNLIMITED });
      const tally = new Tally();
      const checkouts = await paidCheckouts(tally, server.baseUrl, database, { count: 120, label: "crash" });

      // Twenty at a time; the process is killed once a third have been answered.
      const acknowledged = new Set<number>();
      let next = 0;
      const killed = (async () => {
        while (acknowledged.size < checkouts.length / 3) await sleep(5);
        await server!.kill9();
      })();
      const baseUrl = server.baseUrl;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (next < checkouts.length) {
            const paid = checkouts[next++]!;
            if (await register(tally, baseUrl, paid.invoiceId, paid.basketSession)) acknowledged.add(paid.invoiceId);
          }
        }),
      );
      await killed;
      server = await startBuiltServer({ database, port, env: UNLIMITED });

      const rows = await database.rows<{
        invoiceId: number;
        consumed: number;
        customerId: number | null;
        audits: number;
        mails: number;
        receipts: number;
      }>(`
        SELECT i."id" AS "invoiceId", CASE WHEN b."consumedAt" IS NULL THEN 0 ELSE 1 END AS "consumed", i."customerId",
               (SELECT COUNT(*) FROM "AuditEvent" a WHERE a."basketSessionId" = b."id" AND a."type" = 'registration.succeeded') AS "audits",
               (SELECT COUNT(*) FROM "OutboxMessage" o WHERE o."recipient" = b."guestEmail" AND o."kind" LIKE 'registration.%') AS "mails",
               (SELECT COUNT(*) FROM "OutboxMessage" o WHERE o."recipient" = b."guestEmail" AND o."kind" = 'checkout.receipt') AS "receipts"
        FROM "BasketSession" b JOIN "Invoice" i ON i."id" = b."invoiceId"`);
      expect(rows).toHaveLength(checkouts.length);
      const registered = rows.filter((row) => Number(row.consumed) === 1);
      const untouched = rows.filter((row) => Number(row.consumed) === 0);
      // Each paid checkout has its one receipt from the payment; only a registration adds the account e-mail.
      const counted = (row: (typeof rows)[number]) => ({
        ...row,
        audits: Number(row.audits),
        mails: Number(row.mails),
        receipts: Number(row.receipts),
      });
      for (const row of registered)
        expect(counted(row)).toMatchObject({ customerId: expect.any(Number), audits: 1, mails: 1, receipts: 1 });
      for (const row of untouched)
        expect(counted(row)).toMatchObject({ customerId: null, audits: 0, mails: 0, receipts: 1 });
      // Every registration that was answered 200 survived the kill; some were cut off by it.
      for (const invoiceId of acknowledged) expect(registered.map((row) => Number(row.invoiceId))).toContain(invoiceId);
      expect(untouched.length).toBeGreaterThan(0);

      // The restarted server registers a checkout the crash left untouched.
      const left = checkouts.find((paid) => untouched.some((row) => Number(row.invoiceId) === paid.invoiceId))!;
      expect(await register(tally, server.baseUrl, left.invoiceId, left.basketSession)).not.toBeNull();
    });
  });
}

test("the server restarts while a mail worker process holds the SQLite database open", async () => {
  test.setTimeout(120_000);
  const database = await createDatabase("sqlite", "restart");
  const first = await startBuiltServer({ database, port: 3338 });
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: database.url,
    MAIL_OUTBOX_DIR: first.mailDir,
    APP_ENV: "development",
  };
  delete env.NODE_ENV;
  const worker = spawn("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/mail-worker.ts"], {
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: "ignore",
  });
  let second: BuiltServer | undefined;
  try {
    await sleep(3000); // the worker has opened the file and read from it
    await first.stop();
    second = await startBuiltServer({ database, port: 3338 });
    expect((await fetch(`${second.baseUrl}/api/health`)).status).toBe(200);
  } finally {
    await second?.stop();
    if (worker.pid) process.kill(-worker.pid, "SIGTERM");
    await database.drop();
  }
});

test("SIGTERM: the server answers the requests in flight, closes its keep-alive connections, and exits", async () => {
  test.setTimeout(120_000);
  const database = await createDatabase("sqlite", "sigterm");
  const server = await startBuiltServer({ database, port: 3339, env: UNLIMITED });
  const holder = new Database(database.url.slice("file:".length));
  try {
    const tally = new Tally();
    const checkouts = await paidCheckouts(tally, server.baseUrl, database, { count: 20, label: "sigterm" });
    // Another process holds the write lock: the registrations reach the server and wait there, in flight.
    holder.prepare("BEGIN IMMEDIATE").run();
    const responses = checkouts.map((paid) =>
      register(tally, server.baseUrl, paid.invoiceId, paid.basketSession).then((token) =>
        token ? "registered" : "not registered",
      ),
    );
    let stopped = false;
    const keepAlive = Array.from({ length: 5 }, async () => {
      while (!stopped)
        await fetch(`${server.baseUrl}/api/health`).then(
          (response) => response.arrayBuffer(),
          () => sleep(5),
        );
    });
    await sleep(1000);

    const exited = server.stop();
    await sleep(300);
    holder.prepare("ROLLBACK").run();
    const released = Date.now();
    expect(await Promise.all(responses), tally.toString()).toEqual(checkouts.map(() => "registered"));
    await exited;
    stopped = true;
    await Promise.all(keepAlive);
    // Well within the 10 s grace: the keep-alive clients were told to close their connections.
    expect(Date.now() - released).toBeLessThan(5_000);
    expect(server.output()).toContain("SIGTERM: finishing the requests in flight, then exiting");
  } finally {
    holder.close();
    await server.stop();
    await database.drop();
  }
});
