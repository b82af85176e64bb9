import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { POST } from "@/app/api/checkout/route";
import { getDb } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";
import { uniqueEmail } from "@/test/factories";
import { callRegister, randomIp } from "@/test/register-client";

/** docs/contract.md §3.1a: one order, however often it is submitted at once, has one true state and working links. */
const db = getDb();
await seedIfEmpty();
const storefront = await db.business.findFirstOrThrow({
  orderBy: { id: "asc" },
  select: { products: { select: { id: true } } },
});

async function submit(body: unknown, clientIp = randomIp()) {
  const response = await POST(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": clientIp },
      body: JSON.stringify(body),
    }),
  );
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as Record<string, unknown>,
  };
}

function linkOf(completionUrl: unknown) {
  const url = new URL(String(completionUrl), "http://localhost");
  return { invoiceId: Number(url.searchParams.get("invoiceId")), token: url.searchParams.get("basketSession") ?? "" };
}

describe("POST /api/checkout – one order submitted six times at once, then once more", () => {
  for (const card of ["4242 4242 4242 4242", "4000 0000 0000 3220"]) {
    it(`answers each with the order's true state or a retryable 409, and every link handed out stays valid (${card})`, async () => {
      const order = {
        orderKey: randomUUID(),
        guest: { fullName: "Sam Sametime", email: uniqueEmail() },
        lines: [{ productId: storefront.products[0]!.id, quantity: 1 }],
        card: { number: card, expiry: "12/34", cvc: "123" },
      };
      const arrived: Awaited<ReturnType<typeof submit>>[] = [];
      await Promise.all(Array.from({ length: 6 }, () => submit(order).then((answer) => arrived.push(answer))));
      const expected = card.startsWith("4242") ? "paid" : "pending";

      const answered = arrived.filter((answer) => answer.status === 200);
      expect(answered.length).toBeGreaterThanOrEqual(1);
      for (const answer of answered) expect(answer.body.status).toBe(expected);
      for (const answer of arrived.filter((candidate) => candidate.status !== 200)) {
        expect(answer).toMatchObject({
          status: 409,
          body: { code: "checkout_in_progress" },
          retryAfter: expect.stringMatching(/^\d+$/),
        });
      }
      // Charged once, whatever the number of submissions.
      expect(
        await db.testProviderCharge.count({
          where: {
            reference: {
              in: (
                await db.payment.findMany({
                  where: { invoiceId: linkOf(answered[0]!.body.completionUrl).invoiceId },
                  select: { reference: true },
                })
              ).map((payment) => payment.reference),
            },
          },
        }),
      ).toBe(1);

      const again = await submit(order);
      expect(again).toMatchObject({ status: 200, body: { status: expected } });
      if (expected === "pending") return;
      // The first answer to arrive is the one a browser kept: its link registers after the resubmission.
      const first = linkOf(answered[0]!.body.completionUrl);
      expect((await callRegister({ invoiceId: first.invoiceId, token: first.token })).status).toBe(200);
      const last = linkOf(again.body.completionUrl);
      expect((await callRegister({ invoiceId: last.invoiceId, token: last.token })).body.code).toBe(
        "basket_token_used",
      );
      expect(await submit(order)).toMatchObject({ status: 409, body: { code: "order_already_completed" } });
    });
  }
});

describe("POST /api/checkout – an order stuck being charged (its server died mid-charge)", () => {
  it("answers 409 checkout_in_progress however often the guest asks, and the asking never uses up their checkout limit", async () => {
    const clientIp = randomIp();
    const order = {
      orderKey: randomUUID(),
      guest: { fullName: "Sam Stuck", email: uniqueEmail() },
      lines: [{ productId: storefront.products[0]!.id, quantity: 1 }],
      card: { number: "4000 0000 0000 3220", expiry: "12/34", cvc: "123" },
    };
    const placed = await submit(order, clientIp);
    expect(placed.status).toBe(200);
    // As a crash between the charge and its record leaves it: being charged, until the reconciler asks the provider.
    const { invoiceId } = linkOf(placed.body.completionUrl);
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId }, select: { id: true } });
    await db.payment.update({ where: { id: payment.id }, data: { status: "processing" }, select: { id: true } });

    // More asks than the checkout limit allows attempts (30 in a window): every one is told to ask again.
    for (let ask = 0; ask < 40; ask++)
      expect(await submit(order, clientIp)).toMatchObject({ status: 409, body: { code: "checkout_in_progress" } });
    // And the same client can still place another order.
    expect(
      await submit(
        { ...order, orderKey: randomUUID(), card: { ...order.card, number: "4242 4242 4242 4242" } },
        clientIp,
      ),
    ).toMatchObject({ status: 200, body: { status: "paid" } });
  });
});
