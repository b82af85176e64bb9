import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { getDb } from "@/lib/server/db";
import { childServerEnv } from "@/scripts/lib/child-env";

import { createBusiness, createCheckout, uniqueEmail } from "./factories";
import { holdBasketRow, within } from "./held-row";

/**
 * Two `next start` instances over one PostgreSQL database (docs/contract.md §6): every guarantee of registerByToken must
 * hold across them — single use, one customer per e-mail, the idempotent replay, the shared rate limit.
 */
const onPostgres = process.env.TEST_DATABASE_PROVIDER === "postgresql";
const root = path.join(import.meta.dirname, "..");
const ports = [3311, 3312] as const;
const instances: ChildProcess[] = [];
const output = new Map<number, string>();
const LIMITED_IP = "198.51.100.7";

async function waitUntilHealthy(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`instance on port ${port} exited with ${child.exitCode}:\n${output.get(port) ?? ""}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`instance on port ${port} did not become healthy`);
}

function startInstance(port: number): ChildProcess {
  const env = childServerEnv({
    PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    APP_ENV: "development",
    MAIL_OUTBOX_DIR: mkdtempSync(path.join(tmpdir(), "multi-instance-mail-")),
    RATE_LIMIT_IP_POINTS: "20",
    // The test plays the load balancer: it writes X-Forwarded-For, as one trusted proxy would.
    TRUST_PROXY_HOPS: "1",
    RATE_LIMIT_FAILURE_COST: "4",
  });
  const child = spawn(path.join(root, "node_modules/.bin/tsx"), ["--conditions=react-server", "scripts/start.ts"], {
    cwd: root,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const keep = (chunk: Buffer) => output.set(port, ((output.get(port) ?? "") + chunk.toString()).slice(-4000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  instances.push(child);
  return child;
}

function register(port: number, invoiceId: number, token: string, headers: Record<string, string> = {}) {
  return fetch(`http://127.0.0.1:${port}/api/public/billing/invoices/${invoiceId}/registerByToken?token=${token}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": `10.${randomBytes(3).join(".")}`, ...headers },
    body: "{}",
  });
}

describe.runIf(onPostgres)("two instances over one PostgreSQL database", () => {
  const db = getDb();

  beforeAll(async () => {
    // One at a time: the first may build the app; the second finds the build up to date.
    await waitUntilHealthy(ports[0], startInstance(ports[0]), 240_000);
    await waitUntilHealthy(ports[1], startInstance(ports[1]), 60_000);
  }, 320_000);

  afterAll(() => {
    for (const child of instances) {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
  });

  it("50 concurrent registrations of one token, spread over both → exactly one 200 and one customer", async () => {
    const checkout = await createCheckout();
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, index) => register(ports[index % 2]!, checkout.invoiceId, checkout.token)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200).every((status) => status === 401)).toBe(true);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
    expect(
      await db.outboxMessage.count({ where: { kind: { startsWith: "registration." }, recipient: checkout.email } }),
    ).toBe(1);
  });

  it("two baskets of one e-mail registered at once on different instances → one customer, both invoices linked", async () => {
    for (let round = 0; round < 5; round++) {
      const business = await createBusiness();
      const email = uniqueEmail();
      const first = await createCheckout({ businessId: business.id, email });
      const second = await createCheckout({ businessId: business.id, email: ` ${email.toUpperCase()}` });
      const responses = await Promise.all([
        register(ports[0], first.invoiceId, first.token),
        register(ports[1], second.invoiceId, second.token),
      ]);
      expect(responses.map((response) => response.status)).toEqual([200, 200]);
      const customers = await db.customer.findMany({ where: { businessId: business.id }, select: { id: true } });
      expect(customers).toHaveLength(1);
      const invoices = await db.invoice.findMany({ where: { businessId: business.id }, select: { customerId: true } });
      expect(invoices.map((invoice) => invoice.customerId)).toEqual([customers[0]!.id, customers[0]!.id]);
    }
  });

  it("a retry with the same Idempotency-Key on the other instance is replayed", async () => {
    const checkout = await createCheckout();
    const key = randomUUID();
    expect((await register(ports[0], checkout.invoiceId, checkout.token, { "Idempotency-Key": key })).status).toBe(200);
    expect((await register(ports[1], checkout.invoiceId, checkout.token, { "Idempotency-Key": key })).status).toBe(200);
    expect((await register(ports[1], checkout.invoiceId, checkout.token)).status).toBe(401);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
  });

  it("registrations from one address run side by side: one waiting for a row does not hold up the next", async () => {
    const [first, second] = [await createCheckout(), await createCheckout()];
    const sameAddress = { "x-forwarded-for": `10.${randomBytes(3).join(".")}` };
    const held = await holdBasketRow(first.basketSessionId);
    try {
      const waiting = register(ports[0], first.invoiceId, first.token, sameAddress);
      await held.untilSomeoneWaits();
      const next = await within(
        register(ports[0], second.invoiceId, second.token, sameAddress).then((response) => response.status),
        5_000,
      );
      expect(next).toBe(200);
      await held.release();
      expect((await waiting).status).toBe(200);
    } finally {
      await held.end();
    }
  });

  it("the rate limit is shared: failures on one instance count on the other", async () => {
    // 20 points per address; each refusal costs 5: four refusals, alternating instances, use them up.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const response = await register(ports[attempt % 2]!, 1, randomUUID(), { "x-forwarded-for": LIMITED_IP });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });
});
