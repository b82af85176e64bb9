import { describe, expect, it } from "vitest";

import { createRegisteredCheckout } from "@/test/factories";
import { callTokenRoute } from "@/test/invoice-token-client";

describe("GET /summaryByToken – success", () => {
  it("answers what the completion page shows, and nothing more", async () => {
    const checkout = await createRegisteredCheckout({ email: "Ada.Guest@Example.com" });

    const response = await callTokenRoute("summaryByToken", {
      invoiceId: checkout.invoiceId,
      token: checkout.invoiceToken,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const summary = (await response.json()) as Record<string, unknown>;
    expect(summary).toEqual({
      invoiceId: checkout.invoiceId,
      invoiceNumber: expect.stringMatching(/^TST-\d{4}-\d{6}$/),
      issuedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      paidAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      currency: "GBP",
      locale: "en-GB",
      timeZone: "Europe/London",
      businessName: expect.stringMatching(/^Test Space/),
      // The guest's own receipt: their name, and the address it was e-mailed to in full (normalized, as it was sent).
      customerName: "Ada Guest",
      customerEmail: "ada.guest@example.com",
      lines: [
        { description: "Day pass", quantity: 2, unitPriceMinor: 2500, taxRateBp: 2000, amountMinor: 5000 },
        { description: "Meeting room", quantity: 1, unitPriceMinor: 4000, taxRateBp: 2000, amountMinor: 4000 },
      ],
      subtotalMinor: 9000,
      taxes: [{ rateBp: 2000, taxMinor: 1800 }],
      taxMinor: 1800,
      totalMinor: 10800,
      // This checkout was placed with no card (test/factories.ts): the receipt names none.
      paymentCard: null,
    });
    expect(JSON.stringify(summary)).not.toMatch(/Engine Row|Analytical|pay_|customerId|tokenHash/);
  });

  it("names the card it was paid with, brand and last four digits, and the tax of each rate", async () => {
    const checkout = await createRegisteredCheckout({ card: "5555 5555 5555 4444", extraLines: 2 });

    const response = await callTokenRoute("summaryByToken", {
      invoiceId: checkout.invoiceId,
      token: checkout.invoiceToken,
    });

    const summary = (await response.json()) as Record<string, unknown>;
    expect(summary.paymentCard).toEqual({ brand: "mastercard", last4: "4444" });
    // Two day passes and a meeting room at 20 %, three of "Extra item 1" at 20 % and three of "Extra item 2" at 5 %.
    expect(summary.taxes).toEqual([
      { rateBp: 2000, taxMinor: 1800 + 60 },
      { rateBp: 500, taxMinor: 15 },
    ]);
    expect(summary.taxMinor).toBe(1800 + 60 + 15);
  });

  it("accepts the token as a bearer", async () => {
    const checkout = await createRegisteredCheckout();
    const response = await callTokenRoute("summaryByToken", {
      invoiceId: checkout.invoiceId,
      authorization: `Bearer ${checkout.invoiceToken}`,
    });
    expect(response.status).toBe(200);
  });
});
