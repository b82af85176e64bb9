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
      lines: [
        { description: "Day pass", quantity: 2, unitPriceMinor: 2500, taxRateBp: 2000, amountMinor: 5000 },
        { description: "Meeting room", quantity: 1, unitPriceMinor: 4000, taxRateBp: 2000, amountMinor: 4000 },
      ],
      subtotalMinor: 9000,
      taxMinor: 1800,
      totalMinor: 10800,
      customerEmailMasked: "a***@example.com",
    });
    expect(JSON.stringify(summary)).not.toMatch(/Ada|Engine Row|pay_|customerId|tokenHash/);
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
