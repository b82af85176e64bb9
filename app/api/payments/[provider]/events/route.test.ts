import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { POST as placeCheckout } from "@/app/api/checkout/route";
import { POST } from "@/app/api/payments/[provider]/events/route";
import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { reconcileDuePayments } from "@/lib/server/payments/reconcile-payments";
import {
  sendTestProviderEvents,
  signedTestProviderEvent,
  TEST_PROVIDER_SETTLE_DELAY_MS,
  testPaymentProvider,
  testProviderEventsUrl,
} from "@/lib/server/payments/test-provider";
import { seedIfEmpty } from "@/prisma/seed";
import { createCheckout, uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";

/** docs/contract.md §3.7: payments confirmed later, by a provider's signed event, and those nobody confirmed. */
const db = getDb();
await seedIfEmpty();
const storefront = await db.business.findFirstOrThrow({
  orderBy: { id: "asc" },
  select: { products: { select: { id: true } } },
});

function deliver(request: Request): Promise<Response> {
  const provider = new URL(request.url).pathname.split("/")[3]!;
  return POST(request, { params: Promise.resolve({ provider }) });
}

async function answerOf(request: Request) {
  const response = await deliver(request);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** A checkout of the late-confirmed card through the checkout endpoint: answered "pending". */
async function lateCardCheckout() {
  const response = await placeCheckout(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomIp() },
      body: JSON.stringify({
        orderKey: randomUUID(),
        guest: { fullName: "Lena Later", email: uniqueEmail() },
        lines: [{ productId: storefront.products[0]!.id, quantity: 1 }],
        card: { number: "4000 0000 0000 3220", expiry: "12/34", cvc: "123" },
      }),
    }),
  );
  const body = (await response.json()) as { status: string; invoiceId: number };
  const payment = await db.payment.findFirstOrThrow({
    where: { invoiceId: body.invoiceId },
    select: { reference: true, status: true },
  });
  return { ...body, reference: payment.reference, paymentStatus: payment.status };
}

async function stateOf(invoiceId: number) {
  const invoice = await db.invoice.findUniqueOrThrow({
    where: { id: invoiceId },
    select: {
      number: true,
      paidAt: true,
      payments: { select: { status: true, reconcileAt: true, refundDueAt: true }, orderBy: { id: "asc" } },
    },
  });
  const receipts = await db.outboxMessage.count({
    where: { kind: "checkout.receipt", payload: { contains: `"invoiceId":${invoiceId},` } },
  });
  const paidEvents = await db.auditEvent.count({ where: { invoiceId, type: "checkout.paid" } });
  return { ...invoice, receipts, paidEvents };
}

const later = () => new Date(Date.now() + TEST_PROVIDER_SETTLE_DELAY_MS + 1000);

describe("POST /api/payments/{provider}/events", () => {
  it("a late-confirmed card is paid by the provider's signed event: numbered, its receipt queued, its grace period started", async () => {
    const placed = await lateCardCheckout();
    expect(placed).toMatchObject({ status: "pending", paymentStatus: "confirming" });
    expect((await stateOf(placed.invoiceId)).paidAt).toBeNull();

    await sendTestProviderEvents({ now: later(), deliver });
    const state = await stateOf(placed.invoiceId);
    expect(state).toMatchObject({
      number: expect.stringMatching(/^INV-\d{4}-\d{6}$/),
      paidAt: expect.any(Date),
      receipts: 1,
      paidEvents: 1,
    });
    expect(state.payments).toEqual([{ status: "succeeded", reconcileAt: null, refundDueAt: null }]);
    expect(
      await db.basketSession.findUniqueOrThrow({ where: { invoiceId: placed.invoiceId }, select: { fulfilAt: true } }),
    ).toEqual({ fulfilAt: expect.any(Date) });
  });

  it("a replayed event changes nothing twice, and an older one after a newer changes nothing", async () => {
    const placed = await lateCardCheckout();
    const event = () =>
      signedTestProviderEvent({
        url: testProviderEventsUrl(),
        reference: placed.reference,
        outcome: "succeeded",
        sequence: 2,
      });
    expect((await answerOf(event())).body).toEqual({ received: true, applied: "paid" });
    expect((await answerOf(event())).body).toEqual({ received: true, applied: "duplicate" });
    const stale = signedTestProviderEvent({
      url: testProviderEventsUrl(),
      reference: placed.reference,
      outcome: "declined",
      sequence: 1,
    });
    expect((await answerOf(stale)).body).toEqual({ received: true, applied: "already_settled" });
    expect(await stateOf(placed.invoiceId)).toMatchObject({
      paidAt: expect.any(Date),
      receipts: 1,
      paidEvents: 1,
      payments: [{ status: "succeeded" }],
    });
  });

  it.each([
    [
      "a body changed after signing",
      (request: Request) =>
        request.text().then((body) => new Request(request, { body: body.replace("succeeded", "declined") })),
    ],
    [
      "another secret's signature",
      (request: Request) =>
        Promise.resolve(withHeader(request, "webhook-signature", "v1,bm90IHRoZSBzaWduYXR1cmUgb2YgdGhpcyBldmVudA==")),
    ],
    ["no signature", (request: Request) => Promise.resolve(withHeader(request, "webhook-signature", null))],
    ["no event id", (request: Request) => Promise.resolve(withHeader(request, "webhook-id", null))],
  ])("refuses an event with %s: 400 webhook_signature_invalid, nothing changed", async (_, tamper) => {
    const placed = await lateCardCheckout();
    const answer = await answerOf(
      await tamper(
        signedTestProviderEvent({
          url: testProviderEventsUrl(),
          reference: placed.reference,
          outcome: "succeeded",
          sequence: 2,
        }),
      ),
    );
    expect(answer).toMatchObject({ status: 400, body: { code: "webhook_signature_invalid" } });
    expect(await stateOf(placed.invoiceId)).toMatchObject({
      paidAt: null,
      receipts: 0,
      payments: [{ status: "confirming" }],
    });
  });

  it("refuses a correctly signed event older than five minutes, so a captured one cannot be replayed later", async () => {
    const placed = await lateCardCheckout();
    const old = signedTestProviderEvent({
      url: testProviderEventsUrl(),
      reference: placed.reference,
      outcome: "succeeded",
      sequence: 2,
      timestamp: new Date(Date.now() - 6 * 60_000),
    });
    expect(await answerOf(old)).toMatchObject({ status: 400, body: { code: "webhook_signature_invalid" } });
    expect((await stateOf(placed.invoiceId)).paidAt).toBeNull();
  });

  it("answers 404 for a provider it does not have", async () => {
    const request = signedTestProviderEvent({
      url: "http://localhost/api/payments/nope/events",
      reference: "pay_x",
      outcome: "succeeded",
      sequence: 1,
    });
    expect(await answerOf(request)).toMatchObject({ status: 404, body: { code: "not_found" } });
  });

  it("flags for a refund a charge confirmed for an invoice another payment already paid", async () => {
    const checkout = await createCheckout();
    const reference = `pay_${randomUUID()}`;
    const invoice = await db.invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { number: true, paymentReference: true, totalMinor: true },
    });
    await db.payment.create({
      data: {
        invoiceId: checkout.invoiceId,
        provider: "test",
        reference,
        amountMinor: invoice.totalMinor,
        currency: "GBP",
        status: "confirming",
      },
      select: { id: true },
    });

    const answer = await answerOf(
      signedTestProviderEvent({ url: testProviderEventsUrl(), reference, outcome: "succeeded", sequence: 2 }),
    );
    expect(answer.body).toEqual({ received: true, applied: "refund_due" });
    const state = await stateOf(checkout.invoiceId);
    expect(state.payments).toEqual([
      { status: "succeeded", reconcileAt: null, refundDueAt: null },
      { status: "succeeded", reconcileAt: null, refundDueAt: expect.any(Date) },
    ]);
    expect(state).toMatchObject({ number: invoice.number, receipts: 1, paidEvents: 1 });
    expect(await db.auditEvent.count({ where: { invoiceId: checkout.invoiceId, type: "payment.refund_due" } })).toBe(1);
  });
});

function withHeader(request: Request, name: string, value: string | null): Request {
  const headers = new Headers(request.headers);
  if (value === null) headers.delete(name);
  else headers.set(name, value);
  return new Request(request, { headers });
}

describe("the reconciler", () => {
  const deadline = () => new Date(Date.now() + getConfig().fulfilment.reconcileAfterSeconds * 1000 + 1000);

  /** An order placed and claimed for charging whose process died: its payment is left "processing". */
  async function abandonedAttempt() {
    const checkout = await createCheckout({ unpaid: true });
    const payment = await db.payment.findFirstOrThrow({
      where: { invoiceId: checkout.invoiceId },
      select: { id: true, reference: true, amountMinor: true },
    });
    await db.payment.update({ where: { id: payment.id }, data: { status: "processing" }, select: { id: true } });
    return { ...checkout, reference: payment.reference, amountMinor: payment.amountMinor };
  }

  it("records a charge the provider made before the app died: the invoice issued, the receipt queued", async () => {
    const attempt = await abandonedAttempt();
    const card = { number: "4242424242424242", expiry: "12/34", cvc: "123" };
    expect(
      await testPaymentProvider.charge({
        reference: attempt.reference,
        amountMinor: attempt.amountMinor,
        currency: "GBP",
        card,
        description: "x",
      }),
    ).toEqual({ status: "succeeded" });

    await reconcileDuePayments(new Date(Date.now() - 1000));
    expect((await stateOf(attempt.invoiceId)).payments).toEqual([
      { status: "processing", reconcileAt: expect.any(Date), refundDueAt: null },
    ]);
    await reconcileDuePayments(deadline());
    expect(await stateOf(attempt.invoiceId)).toMatchObject({
      paidAt: expect.any(Date),
      receipts: 1,
      payments: [{ status: "succeeded", reconcileAt: null }],
    });
  });

  it("declines an attempt the provider never received, and bars its reference so a charge still on its way cannot succeed", async () => {
    const attempt = await abandonedAttempt();
    await reconcileDuePayments(deadline());
    expect(await stateOf(attempt.invoiceId)).toMatchObject({
      paidAt: null,
      receipts: 0,
      payments: [{ status: "declined", reconcileAt: null }],
    });
    expect(
      await db.basketSession.findUniqueOrThrow({ where: { id: attempt.basketSessionId }, select: { status: true } }),
    ).toEqual({ status: "declined" });
    const card = { number: "4242424242424242", expiry: "12/34", cvc: "123" };
    expect(
      await testPaymentProvider.charge({
        reference: attempt.reference,
        amountMinor: attempt.amountMinor,
        currency: "GBP",
        card,
        description: "x",
      }),
    ).toMatchObject({
      status: "declined",
    });
  });

  it("treats a decline as final: a signed success reported afterwards issues nothing and flags the payment for a refund", async () => {
    const attempt = await abandonedAttempt();
    await reconcileDuePayments(deadline());
    const success = signedTestProviderEvent({
      url: testProviderEventsUrl(),
      reference: attempt.reference,
      outcome: "succeeded",
      sequence: 9,
    });
    expect(await answerOf(success)).toEqual({ status: 200, body: { received: true, applied: "refund_due" } });
    expect(await stateOf(attempt.invoiceId)).toMatchObject({
      paidAt: null,
      receipts: 0,
      payments: [{ status: "declined", refundDueAt: expect.any(Date) }],
    });
    expect(await db.auditEvent.count({ where: { invoiceId: attempt.invoiceId, type: "payment.refund_due" } })).toBe(1);
    // Told again, it is settled: nothing more is flagged.
    const again = signedTestProviderEvent({
      url: testProviderEventsUrl(),
      reference: attempt.reference,
      outcome: "succeeded",
      sequence: 10,
    });
    expect(await answerOf(again)).toEqual({ status: 200, body: { received: true, applied: "already_settled" } });
    expect(await db.auditEvent.count({ where: { invoiceId: attempt.invoiceId, type: "payment.refund_due" } })).toBe(1);
  });

  it("cancels a confirmation that never came, so the payment is declined rather than pending for ever", async () => {
    const placed = await lateCardCheckout();
    // The provider's confirmation is due in seconds; the reconciler looks at it before then (a provider that never confirms).
    await reconcileDuePayments(deadline());
    const settled = await stateOf(placed.invoiceId);
    expect(settled.payments[0]!.reconcileAt).toBeNull();
    // Whichever came first, the provider's confirmation or the cancel, the app and the provider agree.
    expect(await testPaymentProvider.retrieve(placed.reference)).toBe(
      settled.payments[0]!.status === "succeeded" ? "succeeded" : "declined",
    );
    await sendTestProviderEvents({ now: later(), deliver });
    expect((await stateOf(placed.invoiceId)).payments[0]!.status).toBe(settled.payments[0]!.status);
  });
});
