import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { POST } from "@/app/api/checkout/route";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import {
  sendTestProviderEvents,
  TEST_PROVIDER_SETTLE_DELAY_MS,
  testPaymentProvider,
} from "@/lib/server/payments/test-provider";
import { seedIfEmpty } from "@/prisma/seed";
import { uniqueEmail } from "@/test/factories";
import { callRegister, randomIp } from "@/test/register-client";

const db = getDb();
await seedIfEmpty();
const storefront = await db.business.findFirstOrThrow({
  orderBy: { id: "asc" },
  select: { id: true, products: { select: { id: true } } },
});
const [dayPass] = storefront.products;

function order(overrides: { orderKey?: string; card?: string; email?: string; quantity?: number } = {}) {
  return {
    orderKey: overrides.orderKey ?? randomUUID(),
    guest: { fullName: "Chris Checkout", email: overrides.email ?? uniqueEmail(), billingCountry: "GB" },
    lines: [{ productId: dayPass!.id, quantity: overrides.quantity ?? 2 }],
    card: { number: overrides.card ?? "4242 4242 4242 4242", expiry: "12/34", cvc: "123" },
  };
}

async function checkout(body: unknown, ip = randomIp(), headers: Record<string, string> = {}) {
  const response = await POST(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip, ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A checkout whose body arrives as a stream of unknown length (chunked), as a client may send it. */
function postStreamed(body: ReadableStream<Uint8Array>) {
  return POST(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomIp() },
      body,
      duplex: "half",
    } as RequestInit),
  );
}

function basketOf(completionUrl: unknown): { invoiceId: number; basketSession: string } {
  const url = new URL(String(completionUrl), "http://localhost");
  return {
    invoiceId: Number(url.searchParams.get("invoiceId")),
    basketSession: url.searchParams.get("basketSession") ?? "",
  };
}

async function paymentsOf(orderKey: string) {
  const basket = await db.basketSession.findUniqueOrThrow({
    where: { orderKey },
    select: { invoice: { select: { paidAt: true, payments: { select: { status: true }, orderBy: { id: "asc" } } } } },
  });
  return { paid: basket.invoice?.paidAt !== null, payments: basket.invoice?.payments.map((payment) => payment.status) };
}

describe("POST /api/checkout", () => {
  it("keeps the guest's language with the checkout: the one of the submission that paid, after a decline in another", async () => {
    const orderKey = randomUUID();
    const ip = randomIp();
    const declined = await checkout(order({ orderKey, card: "4000 0000 0000 0002" }), ip, {
      "accept-language": "en-GB,en;q=0.9",
    });
    expect(declined.status).toBe(402);
    expect(await db.basketSession.findUniqueOrThrow({ where: { orderKey }, select: { locale: true } })).toEqual({
      locale: "en",
    });

    const paid = await checkout(order({ orderKey }), ip, { "accept-language": "en", cookie: "locale=de" });
    expect(paid.status).toBe(200);
    expect(await db.basketSession.findUniqueOrThrow({ where: { orderKey }, select: { locale: true } })).toEqual({
      locale: "de",
    });
  });

  it("POST /api/checkout – the test card pays: a paid invoice and a completion link that registers", async () => {
    const body = order();
    const result = await checkout(body);

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      status: "paid",
      invoiceId: expect.any(Number),
      completionUrl: expect.stringMatching(/^\/checkout\/complete\?invoiceId=\d+&basketSession=[0-9a-f-]{36}$/),
    });
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["succeeded"] });
    const { invoiceId, basketSession } = basketOf(result.body.completionUrl);
    expect((await callRegister({ invoiceId, token: basketSession })).status).toBe(200);
  });

  it.each(["12 / 34", "1234", "12/2034", "1/34"])(
    "POST /api/checkout – the card as the checkout form sends it (expiry %j) pays",
    async (expiry) => {
      const body = { ...order(), card: { number: "4242 4242 4242 4242", expiry, cvc: "123" } };
      const result = await checkout(body);
      expect(result.status).toBe(200);
      expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["succeeded"] });
    },
  );

  it("POST /api/checkout – a declined card → 402 payment_declined, nothing paid; the next card pays the same order once", async () => {
    const body = order({ card: "4000 0000 0000 0002" });
    const declined = await checkout(body);
    expect(declined.status).toBe(402);
    expect(declined.body).toMatchObject({
      code: "payment_declined",
      detail: "Your card was declined. No money was taken. Try another card.",
    });
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: false, payments: ["declined"] });

    const paid = await checkout({ ...body, card: { ...body.card, number: "4242424242424242" } });
    expect(paid.body.status).toBe("paid");
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["declined", "succeeded"] });
    expect(await db.basketSession.count({ where: { orderKey: body.orderKey } })).toBe(1);
  });

  it("POST /api/checkout – a malformed body costs no more than a valid one: it is refused in words, never a lock-out", async () => {
    const ip = randomIp();
    for (const body of [
      "{garbage",
      "",
      "null",
      JSON.stringify({ padding: "x".repeat(70 * 1024) }),
      "{garbage",
      "",
      "null",
      "{garbage",
    ]) {
      expect([400, 413], body.slice(0, 20)).toContain((await checkout(body, ip)).status);
    }
  });

  it("POST /api/checkout – after a decline, retries sent at once charge the order once and number its invoice once", async () => {
    for (let round = 0; round < 3; round++) {
      const body = order({ card: "4000 0000 0000 0002" });
      expect((await checkout(body)).status).toBe(402);
      const retry = { ...body, card: { ...body.card, number: "4242424242424242" } };
      const results = await Promise.all(Array.from({ length: 8 }, () => checkout(retry)));

      expect(results.filter((result) => result.status === 200).length).toBeGreaterThanOrEqual(1);
      for (const result of results.filter((result) => result.status !== 200))
        expect(result.body.code).toBe("checkout_in_progress");
      expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["declined", "succeeded"] });
      const basket = await db.basketSession.findUniqueOrThrow({
        where: { orderKey: body.orderKey },
        select: { status: true, invoice: { select: { number: true } } },
      });
      expect(basket.status).toBe("paid");
      expect(basket.invoice?.number).toMatch(/^INV-\d{4}-\d{6}$/);
    }
  });

  it("POST /api/checkout – the same order submitted again after it was paid charges nothing and answers a working link", async () => {
    const body = order();
    const first = await checkout(body);
    const second = await checkout(body);

    expect(second.body).toMatchObject({ status: "paid", invoiceId: first.body.invoiceId });
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["succeeded"] });
    const older = basketOf(first.body.completionUrl);
    const newer = basketOf(second.body.completionUrl);
    // Both links stay valid until one registers; then the other is used up with it.
    expect((await callRegister({ invoiceId: older.invoiceId, token: older.basketSession })).status).toBe(200);
    expect((await callRegister({ invoiceId: newer.invoiceId, token: newer.basketSession })).body.code).toBe(
      "basket_token_used",
    );

    const afterRegistration = await checkout(body);
    expect(afterRegistration).toMatchObject({ status: 409, body: { code: "order_already_completed" } });
  });

  it("POST /api/checkout – names in any script are kept as typed, with the joiners emoji and Persian need", async () => {
    for (const fullName of ["Zoë Müller-Łukasiewicz", "Family 👨‍👩‍👧 Smith", "می‌خواهم رضایی", "李小龍", "Ἀριστοτέλης"]) {
      const body = order();
      const result = await checkout({ ...body, guest: { ...body.guest, fullName } });
      expect(result.status, fullName).toBe(200);
      expect(
        await db.basketSession.findUniqueOrThrow({
          where: { orderKey: body.orderKey },
          select: { guestFullName: true },
        }),
      ).toEqual({ guestFullName: fullName });
    }
  });

  it("POST /api/checkout – the order key in upper case names the same order: it is charged once", async () => {
    const body = order();
    const first = await checkout(body);
    const shouted = await checkout({ ...body, orderKey: body.orderKey.toUpperCase() });

    expect(shouted.body).toMatchObject({ status: "paid", invoiceId: first.body.invoiceId });
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["succeeded"] });
    expect(
      await db.basketSession.count({ where: { orderKey: { in: [body.orderKey, body.orderKey.toUpperCase()] } } }),
    ).toBe(1);
  });

  it("POST /api/checkout – a double submission at once places and charges the order once", async () => {
    const body = order();
    const results = await Promise.all([checkout(body), checkout(body), checkout(body)]);

    expect(results.filter((result) => result.status === 200).length).toBeGreaterThanOrEqual(1);
    for (const result of results.filter((result) => result.status !== 200))
      expect(result.body.code).toBe("checkout_in_progress");
    expect(await db.basketSession.count({ where: { orderKey: body.orderKey } })).toBe(1);
    expect(await paymentsOf(body.orderKey)).toEqual({ paid: true, payments: ["succeeded"] });
  });

  it.each([
    ["not JSON", "{"],
    ["an empty object", {}],
    ["no products", { ...order(), lines: [] }],
    ["an unknown product", { ...order(), lines: [{ productId: 999_999, quantity: 1 }] }],
    ["a negative quantity", order({ quantity: -1 })],
    ["a bad e-mail", order({ email: "not-an-email" })],
    ["a card number failing the Luhn check", order({ card: "4242 4242 4242 4241" })],
    ["an expired card", { ...order(), card: { number: "4242424242424242", expiry: "01/20", cvc: "123" } }],
    ["an order key that is not a UUID", order({ orderKey: "abc" })],
    ["a product id beyond 32 bits", { ...order(), lines: [{ productId: 2_147_483_648, quantity: 1 }] }],
    ["a NUL character in the name", { ...order(), guest: { ...order().guest, fullName: "Chris\u0000Checkout" } }],
    [
      "a mark that reverses the text in the name",
      { ...order(), guest: { ...order().guest, fullName: "Evil \u202Eexe.tool" } },
    ],
    // Each is one line on the invoice and in e-mails: a line break would let a name draw lines of its own there.
    [
      "a line break in the name",
      { ...order(), guest: { ...order().guest, fullName: "Chris\r\nBcc: everyone@example.com" } },
    ],
    [
      "a line break in the company",
      { ...order(), guest: { ...order().guest, company: "Acme\nSubject: Account suspended" } },
    ],
    [
      "a line break in an address line",
      { ...order(), guest: { ...order().guest, billingLine1: "1 High St\n\n\n\n" + "x" } },
    ],
    ["a line separator in the city", { ...order(), guest: { ...order().guest, billingCity: "London\u2028PAID" } }],
    ["a line break in the phone", { ...order(), guest: { ...order().guest, phone: "+44\r20" } }],
    // Invisible or broken characters a name could hide behind.
    ["a tab in the name", { ...order(), guest: { ...order().guest, fullName: "Ann\tX" } }],
    ["a C1 control in the name", { ...order(), guest: { ...order().guest, fullName: "Ann\u009b31mX" } }],
    ["Arabic's letter mark in the name", { ...order(), guest: { ...order().guest, fullName: "Ann\u061cX" } }],
    ["a name of a zero-width space alone", { ...order(), guest: { ...order().guest, fullName: "\u200b" } }],
    ["a lone surrogate in the name", { ...order(), guest: { ...order().guest, fullName: "Ann \ud800 X" } }],
    ["a byte-order mark inside the company", { ...order(), guest: { ...order().guest, company: "Ac\ufeffme" } }],
    ["a name of a Hangul filler alone", { ...order(), guest: { ...order().guest, fullName: "\u3164" } }],
    ["a name of a braille blank alone", { ...order(), guest: { ...order().guest, fullName: "\u2800" } }],
    ["a name of a zero-width joiner alone", { ...order(), guest: { ...order().guest, fullName: "\u200d" } }],
    [
      "tag characters hiding text in the name",
      { ...order(), guest: { ...order().guest, fullName: "Ann \u{e0041}\u{e0042} X" } },
    ],
    ["a deprecated format control in the name", { ...order(), guest: { ...order().guest, fullName: "Ann\u206aX" } }],
    [
      "an interlinear annotation in the name",
      { ...order(), guest: { ...order().guest, fullName: "Ann\ufff9hidden\ufffbX" } },
    ],
    ["a noncharacter in the name", { ...order(), guest: { ...order().guest, fullName: "Ann\uffffX" } }],
    ["a private-use character in the company", { ...order(), guest: { ...order().guest, company: "Acme\ue000" } }],
  ])("POST /api/checkout – %s → 400 bad_request, nothing placed", async (_, body) => {
    const before = await db.basketSession.count();
    const result = await checkout(body);
    expect(result.status).toBe(400);
    expect(result.body.code).toBe("bad_request");
    expect(await db.basketSession.count()).toBe(before);
  });

  it("POST /api/checkout – another site's page is refused (403), and a body not sent as JSON is a 400, nothing placed or charged", async () => {
    const before = await db.basketSession.count();
    const body = order();
    const foreign = await checkout(body, randomIp(), { origin: "https://evil.example" });
    expect(foreign).toMatchObject({ status: 403, body: { code: "cross_site_request" } });
    const form = await checkout(body, randomIp(), { "content-type": "text/plain" });
    expect(form).toMatchObject({
      status: 400,
      body: { code: "bad_request", detail: "Send the request as application/json." },
    });
    expect(await db.basketSession.count()).toBe(before);
    // The portal's own page, by APP_URL's origin, is served.
    expect((await checkout(body, randomIp(), { origin: new URL(getConfig().appUrl).origin })).status).toBe(200);
  });

  it("POST /api/checkout – a body over 64 KB → 413 payload_too_large, declared or chunked, read no further", async () => {
    const before = await db.basketSession.count();
    const declared = await POST(
      new Request("http://localhost/api/checkout", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": String(10 * 1024 * 1024),
          "x-forwarded-for": randomIp(),
        },
        body: JSON.stringify(order()),
      }),
    );
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ status: 413, code: "payload_too_large" });

    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(16 * 1024).fill(32));
      },
    });
    const chunked = await postStreamed(endless);
    expect(chunked.status).toBe(413);
    expect(pulled).toBeLessThan(10);
    expect(await db.basketSession.count()).toBe(before);
  });

  it("POST /api/checkout – an upload cut off half-way → 400 bad_request, nothing placed", async () => {
    const before = await db.basketSession.count();
    let sent = 0;
    const cutOff = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ === 0) controller.enqueue(new TextEncoder().encode('{"orderKey":'));
        else controller.error(new Error("aborted"));
      },
    });
    const response = await postStreamed(cutOff);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: "bad_request" });
    expect(await db.basketSession.count()).toBe(before);
  });

  it("POST /api/checkout – card testing from one address is rate limited", async () => {
    const ip = randomIp();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++)
      statuses.push((await checkout(order({ card: "4000 0000 0000 0002" }), ip)).status);
    expect(statuses.slice(0, 6)).toEqual([402, 402, 402, 402, 402, 402]);
    expect(statuses.slice(6)).toEqual([429, 429]);
  });

  it("POST /api/checkout – card testing sent all at once is limited as tightly as one by one", async () => {
    const ip = randomIp();
    const statuses = (
      await Promise.all(Array.from({ length: 12 }, () => checkout(order({ card: "4000 0000 0000 0002" }), ip)))
    ).map((result) => result.status);
    expect(statuses.filter((status) => status === 402)).toHaveLength(6);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
  });

  it("POST /api/checkout – cards that pay give their penalty back: an address keeps paying", async () => {
    const ip = randomIp();
    for (let attempt = 0; attempt < 8; attempt++) expect((await checkout(order(), ip)).status).toBe(200);
  });
});

describe("test payment provider", () => {
  it("keeps a ledger of its own: one charge per reference, and the authentication card confirmed by a signed event once its time has come", async () => {
    const reference = `pay_${randomUUID()}`;
    const charge = (number: string) =>
      testPaymentProvider.charge({
        reference,
        amountMinor: 100,
        currency: "GBP",
        card: { number, expiry: "12/34", cvc: "123" },
        description: "x",
      });
    expect(await charge("4000000000003220")).toEqual({
      status: "pending",
      confirmsInMs: TEST_PROVIDER_SETTLE_DELAY_MS,
    });
    // The reference is the idempotency key: asking again, even with another card, answers the first charge.
    expect(await charge("4242424242424242")).toMatchObject({ status: "pending" });
    expect(await testPaymentProvider.retrieve(reference)).toBe("pending");

    const sent: Request[] = [];
    const deliver = async (request: Request) => {
      sent.push(request);
      return new Response(null, { status: 200 });
    };
    await sendTestProviderEvents({ deliver });
    expect(sent.filter((request) => request.headers.get("webhook-id")?.includes(reference))).toEqual([]);
    await sendTestProviderEvents({ now: new Date(Date.now() + TEST_PROVIDER_SETTLE_DELAY_MS + 1000), deliver });
    const [event] = sent.filter((request) => request.headers.get("webhook-id")?.includes(reference));
    expect(event).toBeDefined();
    expect(testPaymentProvider.verifyEvent(await event!.text(), event!.headers)).toMatchObject({
      reference,
      outcome: "succeeded",
      sequence: 2,
    });
    expect(await testPaymentProvider.retrieve(reference)).toBe("succeeded");
  });
});
