import { randomUUID } from "node:crypto";

import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it, vi } from "vitest";

import { completeCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { getDb } from "@/lib/server/db";
import { verifyInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { createBusiness, createCheckout, uniqueEmail, type TestCheckout } from "@/test/factories";
import { injectOutboxFault } from "@/test/faults";
import { callRegister, type RegisterResult } from "@/test/register-client";

const db = getDb();

/** Everything a registration may write, for one checkout: compared before and after a refused call. */
async function stateOf(checkout: TestCheckout) {
  const [basket, invoice, customers, outbox, events] = await Promise.all([
    db.basketSession.findUniqueOrThrow({
      where: { id: checkout.basketSessionId },
      select: { status: true, consumedAt: true, consumedKeyHash: true, expiresAt: true, completedAt: true },
    }),
    db.invoice.findUniqueOrThrow({ where: { id: checkout.invoiceId }, select: { customerId: true, paidAt: true } }),
    db.customer.count({ where: { businessId: checkout.businessId } }),
    db.outboxMessage.count({
      where: { kind: { startsWith: "registration." }, recipient: checkout.email.trim().toLowerCase() },
    }),
    db.auditEvent.findMany({
      where: { basketSessionId: checkout.basketSessionId },
      orderBy: { id: "asc" },
      select: { type: true, reason: true },
    }),
  ]);
  return { basket, invoice, customers, outbox, events };
}

type CheckoutState = Awaited<ReturnType<typeof stateOf>>;

/** The state after a refusal of a real basket: unchanged, but for the audit event recording why. */
function withRefusal(state: CheckoutState, reason: string): CheckoutState {
  return { ...state, events: [...state.events, { type: "registration.refused", reason }] };
}

function expectProblem(result: RegisterResult, status: number, code: string): void {
  expect({ status: result.status, code: result.body.code }).toEqual({ status, code });
  expect(result.headers.get("content-type")).toBe("application/problem+json");
  expect(result.headers.get("cache-control")).toBe("no-store");
  expect(result.body).toEqual({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    code,
  });
}

describe("POST /registerByToken – success", () => {
  it("registers the guest as a customer, links the invoice and answers with an invoice token only", async () => {
    const checkout = await createCheckout({ email: "  Ada.Lovelace@Example.COM ", name: "Ada Lovelace" });

    const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });

    expect(result.status).toBe(200);
    expect(Object.keys(result.body)).toEqual(["Token"]);
    expect(result.headers.get("content-type")).toBe("application/json");
    expect(result.headers.get("cache-control")).toBe("no-store");

    const customer = await db.customer.findFirstOrThrow({ where: { businessId: checkout.businessId } });
    expect(customer).toMatchObject({
      email: "ada.lovelace@example.com",
      fullName: "Ada Lovelace",
      company: "Analytical Ltd",
    });
    expect(customer.portalAccessGrantedAt).toBeInstanceOf(Date);
    expect(customer.portalAccessBasketSessionId).toBe(checkout.basketSessionId);

    const state = await stateOf({ ...checkout, email: "ada.lovelace@example.com" });
    expect(state.invoice.customerId).toBe(customer.id);
    expect(state.basket.status).toBe("registered");
    expect(state.basket.consumedAt).toBeInstanceOf(Date);
    expect(state.outbox).toBe(1);
    expect(state.events.map((event) => event.type)).toContain("registration.succeeded");
    const mail = await db.outboxMessage.findFirstOrThrow({
      where: { kind: { startsWith: "registration." }, recipient: "ada.lovelace@example.com" },
    });
    expect(mail.kind).toBe("registration.new_customer");
    expect(JSON.parse(mail.payload)).toMatchObject({ invoiceId: checkout.invoiceId, customerId: customer.id });

    const token = String(result.body.Token);
    const claims = await verifyInvoiceToken({ token, invoiceId: checkout.invoiceId, scope: "invoice:pdf" });
    expect(claims).toMatchObject({ invoiceId: checkout.invoiceId });
    expect(claims.issuedFor(customer.id)).toBe(true);
    expect(decodeProtectedHeader(token)).toMatchObject({
      alg: "HS256",
      typ: "invoice-access+jwt",
      kid: expect.any(String),
    });
    const payload = decodeJwt(token);
    expect(payload).toMatchObject({
      aud: "invoice",
      sub: String(checkout.invoiceId),
      scope: "invoice:read invoice:pdf",
    });
    // The invoice's id only: no customer id (`cus` binds the customer opaquely), no name or e-mail (not /ada/, which
    // a random jti's hex can contain)
    expect(Object.keys(payload).sort()).toEqual(["aud", "cus", "exp", "iat", "iss", "jti", "nbf", "scope", "sub"]);
    expect(payload.cus).not.toBe(String(customer.id));
    expect(JSON.stringify(payload)).not.toMatch(/lovelace|example\.com/i);
  });

  it("accepts the basket GUID in any letter case", async () => {
    const checkout = await createCheckout();
    const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token.toUpperCase() });
    expect(result.status).toBe(200);
  });

  it("ignores the body, whatever it holds", async () => {
    for (const body of ["not json at all", "[1,2,3]", '{"Token":"x","invoiceId":999}', "\u0000\u0001"]) {
      const checkout = await createCheckout();
      const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, body });
      expect(result.status, JSON.stringify(body)).toBe(200);
    }
  });

  it("links an existing customer of the same e-mail without changing their details", async () => {
    const first = await createCheckout({ email: "regular@example.com", name: "Original Name" });
    expect((await callRegister({ invoiceId: first.invoiceId, token: first.token })).status).toBe(200);
    const customer = await db.customer.findFirstOrThrow({ where: { businessId: first.businessId } });

    const second = await createCheckout({
      businessId: first.businessId,
      email: " REGULAR@example.com",
      name: "Someone Else",
    });
    const result = await callRegister({ invoiceId: second.invoiceId, token: second.token });

    expect(result.status).toBe(200);
    expect(
      (
        await verifyInvoiceToken({
          token: String(result.body.Token),
          invoiceId: second.invoiceId,
          scope: "invoice:pdf",
        })
      ).issuedFor(customer.id),
    ).toBe(true);
    expect(await db.customer.findMany({ where: { businessId: first.businessId } })).toEqual([customer]);
    const invoice = await db.invoice.findUniqueOrThrow({
      where: { id: second.invoiceId },
      select: { customerId: true },
    });
    expect(invoice.customerId).toBe(customer.id);
    const mails = await db.outboxMessage.findMany({
      where: { kind: { startsWith: "registration." }, recipient: "regular@example.com" },
      orderBy: { id: "asc" },
    });
    expect(mails.map((mail) => mail.kind)).toEqual(["registration.new_customer", "registration.existing_customer"]);
  });

  it("grants portal access to an existing customer who had none, from this basket", async () => {
    const checkout = await createCheckout({ email: "no-access@example.com" });
    const existing = await db.customer.create({
      data: {
        businessId: checkout.businessId,
        fullName: "Kept Name",
        email: "no-access@example.com",
        createdAt: new Date("2026-01-01T00:00:00Z"),
      },
    });

    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);

    const customer = await db.customer.findUniqueOrThrow({ where: { id: existing.id } });
    expect(customer).toMatchObject({ fullName: "Kept Name", portalAccessBasketSessionId: checkout.basketSessionId });
    expect(customer.portalAccessGrantedAt).toBeInstanceOf(Date);
  });

  it("keeps a customer's one e-mail per business: the same address at another business is another customer", async () => {
    const here = await createCheckout({ email: "twice@example.com" });
    const there = await createCheckout({ email: "twice@example.com" });
    expect((await callRegister({ invoiceId: here.invoiceId, token: here.token })).status).toBe(200);
    expect((await callRegister({ invoiceId: there.invoiceId, token: there.token })).status).toBe(200);
    expect(await db.customer.count({ where: { email: "twice@example.com" } })).toBe(2);
  });
});

describe("POST /registerByToken – refusals", () => {
  const badTokens: [string, string][] = [
    ["missing token", ""],
    ["empty token", "token="],
    ["not a GUID", "token=abc"],
    ["a GUID without dashes", `token=${randomUUID().replaceAll("-", "")}`],
    ["a GUID in braces", `token=${encodeURIComponent(`{${randomUUID()}}`)}`],
    ["a GUID with spaces", `token=${encodeURIComponent(` ${randomUUID()} `)}`],
    ["a GUID with a trailing character", `token=${randomUUID()}0`],
    ["a huge token", `token=${"a".repeat(10_000)}`],
    ["SQL in the token", `token=${encodeURIComponent("' OR 1=1 --")}`],
    ["an unknown GUID", `token=${randomUUID()}`],
    ["an unknown GUID in upper case", `token=${randomUUID().toUpperCase()}`],
  ];

  it.each(badTokens)("POST /registerByToken – %s → 401 basket_token_invalid, nothing written", async (_, query) => {
    const checkout = await createCheckout();
    const before = await stateOf(checkout);
    const result = await callRegister({ invoiceId: checkout.invoiceId, query });
    expectProblem(result, 401, "basket_token_invalid");
    expect(await stateOf(checkout)).toEqual(before);
  });

  it("POST /registerByToken – the token given twice → 401 basket_token_invalid", async () => {
    const checkout = await createCheckout();
    const result = await callRegister({
      invoiceId: checkout.invoiceId,
      query: `token=${checkout.token}&token=${checkout.token}`,
    });
    expectProblem(result, 401, "basket_token_invalid");
  });

  const badInvoiceIds = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1e3",
    "0x1F",
    "007",
    " 1",
    "99999999999999999999",
    "2147483648",
    "NaN",
    "Infinity",
  ];

  it.each(badInvoiceIds)(
    "POST /registerByToken – invoice id %j with a valid token → 404 invoice_not_found",
    async (invoiceId) => {
      const checkout = await createCheckout();
      const before = await stateOf(checkout);
      const result = await callRegister({ invoiceId, token: checkout.token });
      expectProblem(result, 404, "invoice_not_found");
      expect(await stateOf(checkout)).toEqual(withRefusal(before, "invoice_not_found"));
    },
  );

  it.each(badInvoiceIds)(
    "POST /registerByToken – invoice id %j without a valid token → 401, revealing nothing",
    async (invoiceId) => {
      const result = await callRegister({ invoiceId, token: randomUUID() });
      expectProblem(result, 401, "basket_token_invalid");
    },
  );

  it("POST /registerByToken – another checkout's invoice → 404, with the same body as a nonexistent one", async () => {
    const mine = await createCheckout();
    const theirs = await createCheckout();
    const before = await stateOf(mine);

    const other = await callRegister({ invoiceId: theirs.invoiceId, token: mine.token });
    const missing = await callRegister({ invoiceId: 2_000_000_000, token: mine.token });

    expectProblem(other, 404, "invoice_not_found");
    expect(missing.body).toEqual(other.body);
    expect(await stateOf(mine)).toEqual(withRefusal(withRefusal(before, "invoice_not_found"), "invoice_not_found"));
  });

  it("POST /registerByToken – an existing invoice id with an unknown token → 401, not 404", async () => {
    const checkout = await createCheckout();
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId, token: randomUUID() }),
      401,
      "basket_token_invalid",
    );
  });

  it("POST /registerByToken – a used token → 401 basket_token_used", async () => {
    const checkout = await createCheckout();
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);
    const before = await stateOf(checkout);

    const again = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });

    expectProblem(again, 401, "basket_token_used");
    expect(await stateOf(checkout)).toEqual(withRefusal(before, "basket_token_used"));
  });

  it("POST /registerByToken – a used token with another invoice id → 404 (the invoice check comes first)", async () => {
    const checkout = await createCheckout();
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId + 1000, token: checkout.token }),
      404,
      "invoice_not_found",
    );
  });

  it("POST /registerByToken – an expired checkout → 401 basket_token_expired, nothing written", async () => {
    const checkout = await createCheckout({ placedHoursAgo: 25 });
    const before = await stateOf(checkout);
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }),
      401,
      "basket_token_expired",
    );
    expect(await stateOf(checkout)).toEqual(withRefusal(before, "basket_token_expired"));
  });

  it("POST /registerByToken – a checkout still inside its window registers (23 hours after payment)", async () => {
    const checkout = await createCheckout({ placedHoursAgo: 23 });
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);
  });

  it("POST /registerByToken – a used and expired token → 401 basket_token_used (used is checked first)", async () => {
    const checkout = await createCheckout();
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    await db.basketSession.update({
      where: { id: checkout.basketSessionId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }),
      401,
      "basket_token_used",
    );
  });

  it("POST /registerByToken – payment not completed → 409 payment_pending with Retry-After, nothing changed; then 200 once paid", async () => {
    const checkout = await createCheckout({ unpaid: true });
    const before = await stateOf(checkout);

    const pending = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });

    expectProblem(pending, 409, "payment_pending");
    expect(Number(pending.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await stateOf(checkout)).toEqual(withRefusal(before, "payment_pending"));

    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: checkout.invoiceId } });
    await completeCheckoutPayment({
      invoiceId: checkout.invoiceId,
      provider: payment.provider,
      reference: payment.reference,
    });
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);
  });

  it("POST /registerByToken – a basket completed but its invoice unpaid → 409 payment_pending", async () => {
    const checkout = await createCheckout();
    await db.invoice.update({ where: { id: checkout.invoiceId }, data: { paidAt: null } });
    expectProblem(await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }), 409, "payment_pending");
  });

  it.each(["short", "x".repeat(256), "tab\tinside", "ünïcödé-key"])(
    "POST /registerByToken – Idempotency-Key %j → 400 idempotency_key_invalid, nothing written",
    async (key) => {
      const checkout = await createCheckout();
      const before = await stateOf(checkout);
      const headers = new Headers();
      // Headers refuses non-Latin-1; send such a key as its UTF-8 bytes, as a client on the wire would.
      headers.set("idempotency-key", Buffer.from(key, "utf8").toString("latin1"));
      const result = await callRegister({
        invoiceId: checkout.invoiceId,
        token: checkout.token,
        headers: Object.fromEntries(headers),
      });
      expectProblem(result, 400, "idempotency_key_invalid");
      expect(await stateOf(checkout)).toEqual(before);
    },
  );

  it("POST /registerByToken – refusals of garbage tokens write no audit rows", async () => {
    const before = await db.auditEvent.count();
    await callRegister({ invoiceId: 1, token: randomUUID() });
    await callRegister({ invoiceId: 1, query: "token=nonsense" });
    expect(await db.auditEvent.count()).toBe(before);
  });
});

describe("POST /registerByToken – Idempotency-Key replay", () => {
  it("answers a retry with the same key with a fresh token for the same invoice and customer, and nothing else", async () => {
    const checkout = await createCheckout();
    const key = randomUUID();
    const first = await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token,
      headers: { "Idempotency-Key": key },
    });
    expect(first.status).toBe(200);
    const before = await stateOf(checkout);

    const retry = await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token.toUpperCase(),
      headers: { "Idempotency-Key": key },
    });

    expect(retry.status).toBe(200);
    expect(Object.keys(retry.body)).toEqual(["Token"]);
    const [a, b] = [decodeJwt(String(first.body.Token)), decodeJwt(String(retry.body.Token))];
    expect(b).toMatchObject({ sub: a.sub, cus: a.cus });
    expect(b.jti).not.toBe(a.jti);
    const after = await stateOf(checkout);
    expect(after).toEqual({ ...before, events: [...before.events, { type: "registration.replayed", reason: null }] });
  });

  it("refuses a retry without the key, or with another key, as used", async () => {
    const checkout = await createCheckout();
    await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token,
      headers: { "Idempotency-Key": "first-key-123" },
    });
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }),
      401,
      "basket_token_used",
    );
    expectProblem(
      await callRegister({
        invoiceId: checkout.invoiceId,
        token: checkout.token,
        headers: { "Idempotency-Key": "other-key-456" },
      }),
      401,
      "basket_token_used",
    );
  });

  it("refuses a key when the consuming request carried none", async () => {
    const checkout = await createCheckout();
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    expectProblem(
      await callRegister({
        invoiceId: checkout.invoiceId,
        token: checkout.token,
        headers: { "Idempotency-Key": "late-key-1234" },
      }),
      401,
      "basket_token_used",
    );
  });

  it("refuses the replay once the basket has expired", async () => {
    const checkout = await createCheckout();
    const headers = { "Idempotency-Key": "expiring-key-1" };
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers });
    await db.basketSession.update({
      where: { id: checkout.basketSessionId },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers }),
      401,
      "basket_token_used",
    );
  });

  it("refuses the replay for another invoice id", async () => {
    const checkout = await createCheckout();
    const headers = { "Idempotency-Key": "invoice-bound-key" };
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers });
    expectProblem(
      await callRegister({ invoiceId: checkout.invoiceId + 1, token: checkout.token, headers }),
      404,
      "invoice_not_found",
    );
  });
});

describe("POST /registerByToken – races", () => {
  it("50 concurrent registrations of one token → exactly one 200 and one customer", async () => {
    const checkout = await createCheckout();

    const results = await Promise.all(
      Array.from({ length: 50 }, () => callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })),
    );

    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(
      results.filter((result) => result.status !== 200).every((result) => result.body.code === "basket_token_used"),
    ).toBe(true);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
    expect(
      await db.outboxMessage.count({ where: { kind: { startsWith: "registration." }, recipient: checkout.email } }),
    ).toBe(1);
    const successes = await db.auditEvent.count({
      where: { basketSessionId: checkout.basketSessionId, type: "registration.succeeded" },
    });
    expect(successes).toBe(1);
  });

  it("50 concurrent retries with one Idempotency-Key → all 200, one customer, one registration", async () => {
    const checkout = await createCheckout();
    const headers = { "Idempotency-Key": randomUUID() };

    const results = await Promise.all(
      Array.from({ length: 50 }, () => callRegister({ invoiceId: checkout.invoiceId, token: checkout.token, headers })),
    );

    expect(new Set(results.map((result) => result.status))).toEqual(new Set([200]));
    expect(new Set(results.map((result) => decodeJwt(String(result.body.Token)).cus)).size).toBe(1);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
    expect(
      await db.outboxMessage.count({ where: { kind: { startsWith: "registration." }, recipient: checkout.email } }),
    ).toBe(1);
  });

  it("two baskets with one e-mail (other case, spaces) registered at once → one customer, both invoices linked", async () => {
    const business = await createBusiness();
    const email = uniqueEmail();
    const first = await createCheckout({ businessId: business.id, email });
    const second = await createCheckout({ businessId: business.id, email: `  ${email.toUpperCase()}  ` });

    const results = await Promise.all([
      callRegister({ invoiceId: first.invoiceId, token: first.token }),
      callRegister({ invoiceId: second.invoiceId, token: second.token }),
    ]);

    expect(results.map((result) => result.status)).toEqual([200, 200]);
    const customers = await db.customer.findMany({
      where: { businessId: business.id },
      select: { id: true, email: true },
    });
    expect(customers).toEqual([{ id: expect.any(Number), email }]);
    const invoices = await db.invoice.findMany({
      where: { id: { in: [first.invoiceId, second.invoiceId] } },
      select: { customerId: true },
    });
    expect(invoices).toEqual([{ customerId: customers[0]!.id }, { customerId: customers[0]!.id }]);
    const kinds = (
      await db.outboxMessage.findMany({
        where: { kind: { startsWith: "registration." }, recipient: email },
        select: { kind: true },
      })
    )
      .map((mail) => mail.kind)
      .sort();
    expect(kinds).toEqual(["registration.existing_customer", "registration.new_customer"]);
  });
});

describe("POST /registerByToken – faults", () => {
  it("a fault after the basket is consumed rolls the whole registration back; the token stays usable", async () => {
    const checkout = await createCheckout();
    const before = await stateOf(checkout);
    // A real failure of the database, injected where the outbox row is written: the last step of the transaction.
    const removeFault = await injectOutboxFault(db);
    process.env.LOG_IN_TESTS = "1";
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const failed = await callRegister({
        invoiceId: checkout.invoiceId,
        token: checkout.token,
        headers: { "Idempotency-Key": "fault-key-1" },
      });
      expectProblem(failed, 500, "internal_error");
      expect(JSON.stringify(failed.body)).not.toMatch(/injected|OutboxMessage|trigger|prisma|sqlite|at \w+ \(/i);
      const correlationId = failed.headers.get("x-correlation-id");
      expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
      expect(String(failed.body.detail)).toContain(correlationId);
      // The operator sees the cause under the same id, and never the basket GUID.
      const log = logged.mock.calls.map((call) => String(call[0])).join("\n");
      expect(log).toContain(correlationId);
      expect(log).toMatch(/outboxMessage\.create|injected outbox fault/);
      expect(log).not.toContain(checkout.token);
      expect(await stateOf(checkout)).toEqual(before);
    } finally {
      logged.mockRestore();
      delete process.env.LOG_IN_TESTS;
      await removeFault();
    }

    const retry = await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token,
      headers: { "Idempotency-Key": "fault-key-1" },
    });
    expect(retry.status).toBe(200);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
  });
});

describe("registerByToken – other methods", () => {
  it.each(["GET", "PUT", "PATCH", "DELETE"] as const)(
    "%s /registerByToken → 405 problem with Allow: POST",
    async (method) => {
      const route = await import("@/app/api/public/billing/invoices/[invoiceId]/registerByToken/route");
      const response = route[method]();
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
      expect(response.headers.get("content-type")).toBe("application/problem+json");
      expect(await response.json()).toMatchObject({ status: 405, code: "method_not_allowed" });
    },
  );
});
