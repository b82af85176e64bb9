import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { POST } from "@/app/api/checkout/route";
import { getDb, Prisma } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";
import { uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";

/**
 * What a payment keeps of the card it was charged to: the brand and the last four digits, for the receipt ("Visa
 * •••• 4242"), and nothing more of the card anywhere in the database (docs/contract.md §2).
 */

const db = getDb();
await seedIfEmpty();
const storefront = await db.business.findFirstOrThrow({
  orderBy: { id: "asc" },
  select: { products: { select: { id: true }, take: 1 } },
});
const productId = storefront.products[0]!.id;

/** A card nobody else in the database has (it pays only if it is the test provider's). */
const EXPIRY = "07/39";

async function submit(orderKey: string, email: string, number: string, cvc = "9876") {
  const response = await POST(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomIp() },
      body: JSON.stringify({
        orderKey,
        guest: { fullName: "Carla Card", email, billingCountry: "GB" },
        lines: [{ productId, quantity: 1 }],
        card: { number, expiry: EXPIRY, cvc },
      }),
    }),
  );
  return response.status;
}

async function paymentsOf(orderKey: string) {
  const basket = await db.basketSession.findUniqueOrThrow({
    where: { orderKey },
    select: {
      invoice: {
        select: { payments: { select: { status: true, cardBrand: true, cardLast4: true }, orderBy: { id: "asc" } } },
      },
    },
  });
  return basket.invoice?.payments;
}

/** Every row of every table, as text (binary columns left out: a logo's bytes say nothing about a card). */
async function everythingStored(): Promise<string> {
  const tables: Record<string, unknown[]> = {};
  for (const model of Object.values(Prisma.ModelName)) {
    const delegate = (db as unknown as Record<string, { findMany(): Promise<unknown[]> }>)[
      model[0]!.toLowerCase() + model.slice(1)
    ]!;
    tables[model] = await delegate.findMany();
  }
  return JSON.stringify(tables, (_key, value: unknown) =>
    value && typeof value === "object" && "type" in value && (value as { type: unknown }).type === "Buffer"
      ? "<bytes>"
      : value instanceof Uint8Array
        ? "<bytes>"
        : value,
  );
}

describe("the card of a payment", () => {
  it("is kept as its brand and last four digits, each attempt its own card; the receipt names the one that paid", async () => {
    const orderKey = randomUUID();
    const email = uniqueEmail();

    // Not a test card: declined, and its attempt keeps the card it was tried with.
    expect(await submit(orderKey, email, "5555 5555 5555 4444")).toBe(402);
    expect(await paymentsOf(orderKey)).toEqual([{ status: "declined", cardBrand: "mastercard", cardLast4: "4444" }]);

    expect(await submit(orderKey, email, "4242 4242 4242 4242")).toBe(200);
    expect(await paymentsOf(orderKey)).toEqual([
      { status: "declined", cardBrand: "mastercard", cardLast4: "4444" },
      { status: "succeeded", cardBrand: "visa", cardLast4: "4242" },
    ]);
  });

  it("an American Express card of no test kind is kept as amex and its last four", async () => {
    const orderKey = randomUUID();
    expect(await submit(orderKey, uniqueEmail(), "3782 822463 10005", "1234")).toBe(402);
    expect(await paymentsOf(orderKey)).toEqual([{ status: "declined", cardBrand: "amex", cardLast4: "0005" }]);
  });

  it("leaves nothing more of any card anywhere: no number, no first digits, no expiry, no CVC", async () => {
    const cards = ["4242424242424242", "5555555555554444", "4000000000000002"];
    for (const number of cards) {
      const orderKey = randomUUID();
      await submit(orderKey, uniqueEmail(), number.replace(/(\d{4})(?=\d)/g, "$1 "));
      await submit(orderKey, uniqueEmail(), number);
    }

    const stored = await everythingStored();
    expect(stored).toContain('"cardLast4":"4444"');
    for (const number of cards) {
      expect(stored).not.toContain(number);
      // Everything but the last four, in any grouping: the first twelve digits, and the issuer's six.
      expect(stored).not.toContain(number.slice(0, 12));
      expect(stored).not.toContain(`${number.slice(0, 4)} ${number.slice(4, 8)}`);
    }
    expect(stored).not.toContain("555555");
    expect(stored).not.toContain(EXPIRY);
    expect(stored).not.toMatch(/\\?"(cvc|expiry)\\?"/i);
    expect(stored).not.toMatch(/\\?"9876\\?"/);
    // The only columns about a card are these two, on the payment.
    const columns = new Set(
      Object.entries(JSON.parse(stored) as Record<string, Record<string, unknown>[]>).flatMap(([table, rows]) =>
        rows.flatMap((row) => Object.keys(row).map((column) => `${table}.${column}`)),
      ),
    );
    expect([...columns].filter((column) => /card|cvc|expiry|pan$/i.test(column)).sort()).toEqual([
      "Payment.cardBrand",
      "Payment.cardLast4",
    ]);
  });
});
