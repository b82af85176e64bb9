import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { getDb } from "@/lib/server/db";
import { createCheckout } from "@/test/factories";
import { callRegister, randomIp } from "@/test/register-client";

// Small limits for this file only (the configuration is read on first use, after this runs).
process.env.RATE_LIMIT_IP_POINTS = "10";
process.env.RATE_LIMIT_TOKEN_POINTS = "8";
process.env.RATE_LIMIT_FAILURE_COST = "4";
process.env.RATE_LIMIT_WINDOW_SECONDS = "60";

const from = (ip: string) => ({ "x-forwarded-for": ip });

describe("POST /registerByToken – rate limits", () => {
  it("POST /registerByToken – repeated failures from one address → 429 rate_limited with Retry-After", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await callRegister({ invoiceId: 1, token: randomUUID(), headers: from(ip) })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);

    const limited = await callRegister({ invoiceId: 1, token: randomUUID(), headers: from(ip) });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("content-type")).toBe("application/problem+json");
    expect(limited.body).toMatchObject({ status: 429, code: "rate_limited" });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await callRegister({ invoiceId: 1, token: randomUUID(), headers: from(randomIp()) })).status).toBe(401);
  });

  it("POST /registerByToken – guesses sent all at once are charged as they come: no more get through than one at a time", async () => {
    const ip = randomIp();
    const results = await Promise.all(
      Array.from({ length: 30 }, () => callRegister({ invoiceId: 1, token: randomUUID(), headers: from(ip) })),
    );
    const statuses = results.map((result) => result.status);
    // 10 points per address, 5 per guess: two guesses, as one at a time.
    expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    expect(statuses.filter((status) => status === 429)).toHaveLength(28);
  });

  it("POST /registerByToken – a limited address cannot register even a valid checkout, and nothing is written", async () => {
    const ip = randomIp();
    await callRegister({ invoiceId: 1, token: randomUUID(), headers: from(ip) });
    await callRegister({ invoiceId: 1, token: randomUUID(), headers: from(ip) });
    const checkout = await createCheckout();

    const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers: from(ip) });

    expect(result.status).toBe(429);
    const basket = await getDb().basketSession.findUniqueOrThrow({
      where: { id: checkout.basketSessionId },
      select: { consumedAt: true },
    });
    expect(basket.consumedAt).toBeNull();
    expect(await getDb().customer.count({ where: { businessId: checkout.businessId } })).toBe(0);
  });

  it("POST /registerByToken – successes cost less than failures", async () => {
    const ip = randomIp();
    for (let index = 0; index < 8; index++) {
      const checkout = await createCheckout();
      expect(
        (await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers: from(ip) })).status,
      ).toBe(200);
    }
  });

  it("POST /registerByToken – a payment still pending is not counted as a failure, so the page can keep polling", async () => {
    const ip = randomIp();
    const checkout = await createCheckout({ unpaid: true });
    for (let poll = 0; poll < 7; poll++) {
      expect(
        (await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers: from(ip) })).status,
      ).toBe(409);
    }
  });

  it("POST /registerByToken – one token hammered from many addresses → 429 for that token", async () => {
    const checkout = await createCheckout();
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);

    // 8 points per token: the success cost 1, each refusal 1 + 4, so the third refusal is over the limit.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push(
        (await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers: from(randomIp()) }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 429, 429]);
  });
});
