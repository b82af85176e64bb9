import { randomUUID } from "node:crypto";

import pg from "pg";
import { describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/server/db";
import { createCheckout } from "@/test/factories";
import { holdBasketRow, within } from "@/test/held-row";
import { callRegister, randomIp } from "@/test/register-client";

/**
 * registerByToken on PostgreSQL, the path that carries the load (docs/benchmarks.md): the rate-limit counters
 * are not held by a registration's transaction, and a registration is two round trips.
 */
const onPostgres = process.env.TEST_DATABASE_PROVIDER === "postgresql";
const from = (ip: string) => ({ "x-forwarded-for": ip });

/** Round trips to PostgreSQL while `work` runs: calls of `pg`'s `Client.query`, by any pool. */
async function roundTripsOf<T>(work: () => Promise<T>): Promise<{ result: T; roundTrips: number }> {
  const sent = vi.spyOn(pg.Client.prototype, "query");
  try {
    const result = await work();
    return { result, roundTrips: sent.mock.calls.length };
  } finally {
    sent.mockRestore();
  }
}

/** A registration first, so every pool has its connection and what is counted is the request's own traffic. */
async function warmRegistration() {
  const warm = await createCheckout();
  expect((await callRegister({ invoiceId: warm.invoiceId, token: warm.token })).status).toBe(200);
  return warm;
}

describe.runIf(onPostgres)("POST /registerByToken on PostgreSQL", () => {
  it("a registration from one address does not wait for another's commit: the address's counters are not held", async () => {
    const ip = randomIp();
    const [first, second] = [await createCheckout(), await createCheckout()];
    // Another session holds the first basket's row: the first registration waits for it, mid-registration.
    const held = await holdBasketRow(first.basketSessionId);
    try {
      const firstRegistration = callRegister({ invoiceId: first.invoiceId, token: first.token, headers: from(ip) });
      await held.untilSomeoneWaits();

      // The same address, another basket: it goes through while the first is still waiting.
      const secondResult = await within(
        callRegister({ invoiceId: second.invoiceId, token: second.token, headers: from(ip) }),
        5_000,
      );
      expect(secondResult === "still waiting" ? secondResult : secondResult.status).toBe(200);

      await held.release();
      expect((await firstRegistration).status).toBe(200);
    } finally {
      await held.end();
    }
  });

  it("a registration is two round trips: the rate-limit charge with the read of the basket, then one statement that writes", async () => {
    await warmRegistration();
    const checkout = await createCheckout();
    const { result, roundTrips } = await roundTripsOf(() =>
      callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }),
    );

    expect(result.status).toBe(200);
    expect(roundTrips).toBe(2);
    // …and the one statement did everything a registration does.
    const basket = await getDb().basketSession.findUniqueOrThrow({
      where: { id: checkout.basketSessionId },
      select: { consumedAt: true, status: true },
    });
    expect(basket).toMatchObject({ status: "registered", consumedAt: expect.any(Date) });
    const invoice = await getDb().invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { customerId: true },
    });
    expect(invoice.customerId).not.toBeNull();
    expect(
      await getDb().auditEvent.count({
        where: { basketSessionId: checkout.basketSessionId, type: "registration.succeeded" },
      }),
    ).toBe(1);
    expect(
      await getDb().outboxMessage.count({
        where: { kind: { startsWith: "registration." }, recipient: checkout.email },
      }),
    ).toBe(1);
  });

  it("a refused registration costs its extra points in a statement of its own: three round trips", async () => {
    const warm = await warmRegistration();
    const { result, roundTrips } = await roundTripsOf(() =>
      callRegister({ invoiceId: warm.invoiceId, token: warm.token }),
    );

    expect(result.status).toBe(401);
    // The charge with the read, the refusal's audit event, the extra points.
    expect(roundTrips).toBe(3);
    expect(
      await getDb().auditEvent.count({
        where: { basketSessionId: warm.basketSessionId, type: "registration.refused" },
      }),
    ).toBe(1);
  });

  it("a token that names no basket is answered after the charge with the read, which charged its extra points too: one round trip", async () => {
    await warmRegistration();
    const { result, roundTrips } = await roundTripsOf(() => callRegister({ invoiceId: 1, token: randomUUID() }));
    expect(result.status).toBe(401);
    expect(roundTrips).toBe(1);
  });
});
