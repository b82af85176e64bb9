import { randomUUID } from "node:crypto";

import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/server/db";
import { createCheckout } from "@/test/factories";
import { callRegister, randomIp } from "@/test/register-client";

/**
 * registerByToken on PostgreSQL, the path that carries the load (docs/benchmarks.md): the rate-limit counters
 * are not held by a registration's transaction, and a registration is two round trips.
 */
const onPostgres = process.env.TEST_DATABASE_PROVIDER === "postgresql";
const from = (ip: string) => ({ "x-forwarded-for": ip });

/** Settles with the promise, or with "still waiting" after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "still waiting"> {
  return Promise.race([promise, new Promise<"still waiting">((resolve) => setTimeout(resolve, ms, "still waiting"))]);
}

async function sessionsWaitingForALock(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe.runIf(onPostgres)("POST /registerByToken on PostgreSQL", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a registration from one address does not wait for another's commit: the address's counters are not held", async () => {
    const ip = randomIp();
    const [first, second] = [await createCheckout(), await createCheckout()];
    // Another session holds the first basket's row: the first registration waits for it, mid-registration.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM "BasketSession" WHERE "id" = $1 FOR UPDATE`, [first.basketSessionId]);
      const firstRegistration = callRegister({ invoiceId: first.invoiceId, token: first.token, headers: from(ip) });
      for (let waited = 0; (await sessionsWaitingForALock(holder)) === 0; waited += 20) {
        if (waited > 10_000) throw new Error("the first registration never reached the held row");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }

      // The same address, another basket: it goes through while the first is still waiting.
      const secondResult = await within(callRegister({ invoiceId: second.invoiceId, token: second.token, headers: from(ip) }), 5_000);
      expect(secondResult === "still waiting" ? secondResult : secondResult.status).toBe(200);

      await holder.query("COMMIT");
      expect((await firstRegistration).status).toBe(200);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    }
  });

  it("a registration is two round trips: the rate-limit charge with the read of the basket, then one statement that writes", async () => {
    // Warm: every pool has its connection, so what is counted is the registration's own traffic.
    const warm = await createCheckout();
    expect((await callRegister({ invoiceId: warm.invoiceId, token: warm.token })).status).toBe(200);

    const checkout = await createCheckout();
    const sent = vi.spyOn(pg.Client.prototype, "query");
    const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    const roundTrips = sent.mock.calls.length;
    sent.mockRestore();

    expect(result.status).toBe(200);
    expect(roundTrips).toBe(2);
    // …and the one statement did everything a registration does.
    const basket = await getDb().basketSession.findUniqueOrThrow({ where: { id: checkout.basketSessionId }, select: { consumedAt: true, status: true } });
    expect(basket).toMatchObject({ status: "registered", consumedAt: expect.any(Date) });
    const invoice = await getDb().invoice.findUniqueOrThrow({ where: { id: checkout.invoiceId }, select: { customerId: true } });
    expect(invoice.customerId).not.toBeNull();
    expect(await getDb().auditEvent.count({ where: { basketSessionId: checkout.basketSessionId, type: "registration.succeeded" } })).toBe(1);
    expect(await getDb().outboxMessage.count({ where: { recipient: checkout.email } })).toBe(1);
  });

  it("a refused registration costs its extra points in a statement of its own: three round trips", async () => {
    const warm = await createCheckout();
    expect((await callRegister({ invoiceId: warm.invoiceId, token: warm.token })).status).toBe(200);

    const sent = vi.spyOn(pg.Client.prototype, "query");
    const result = await callRegister({ invoiceId: warm.invoiceId, token: warm.token });
    const roundTrips = sent.mock.calls.length;
    sent.mockRestore();

    expect(result.status).toBe(401);
    // The charge with the read, the refusal's audit event, the extra points.
    expect(roundTrips).toBe(3);
    expect(await getDb().auditEvent.count({ where: { basketSessionId: warm.basketSessionId, type: "registration.refused" } })).toBe(1);
  });

  it("a token that names no basket is answered after the charge with the read, which charged its extra points too: one round trip", async () => {
    const warm = await createCheckout();
    expect((await callRegister({ invoiceId: warm.invoiceId, token: warm.token })).status).toBe(200);

    const sent = vi.spyOn(pg.Client.prototype, "query");
    const result = await callRegister({ invoiceId: 1, token: randomUUID() });
    const roundTrips = sent.mock.calls.length;
    sent.mockRestore();
    expect(result.status).toBe(401);
    expect(roundTrips).toBe(1);
  });
});
