import { describe, expect, it } from "vitest";

import { getDb } from "@/lib/server/db";
import { createRegisteredCheckout } from "@/test/factories";
import { callTokenRoute } from "@/test/invoice-token-client";
import { readPdf } from "@/test/pdf-text";

const db = getDb();

async function pdfOf(response: Response): Promise<Uint8Array> {
  return new Uint8Array(await response.arrayBuffer());
}

/** pdftotext keeps the layout; compare words regardless of the spaces between columns. */
function squash(text: string): string {
  return text.replace(/\s+/g, " ");
}

describe("GET /pdfByToken – success", () => {
  it("serves the invoice as an attachment named after its number, never cached", async () => {
    const checkout = await createRegisteredCheckout();
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: checkout.invoiceId }, select: { number: true } });

    const response = await callTokenRoute("pdfByToken", {
      invoiceId: checkout.invoiceId,
      token: checkout.invoiceToken,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${invoice.number}.pdf"`);
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const pdf = await pdfOf(response);
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    expect(Number(response.headers.get("content-length"))).toBe(pdf.length);
  });

  it("shows the business, the invoice, the guest, every line, the totals and the PAID mark as real text", async () => {
    const checkout = await createRegisteredCheckout({ name: "Zoë Łukasiewicz", company: "Ωμέγα Studio" });
    const invoice = await db.invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { number: true, paymentReference: true, business: { select: { name: true } } },
    });

    const { text, pageCount } = readPdf(
      await pdfOf(await callTokenRoute("pdfByToken", { invoiceId: checkout.invoiceId, token: checkout.invoiceToken })),
    );
    const words = squash(text);

    expect(pageCount).toBe(1);
    expect(words).toContain(invoice.business.name);
    expect(words).toContain("1 Test Street London");
    expect(words).toContain("Tax ID: GB000");
    expect(words).toContain(`Invoice number ${invoice.number}`);
    const today = new Intl.DateTimeFormat("en-GB", { dateStyle: "long", timeZone: "Europe/London" }).format(new Date());
    expect(words).toContain(`Issue date ${today}`);
    expect(words).toContain(`Payment date ${today}`);
    // The billed-to block sits beside the PAID mark, so the layout interleaves their lines.
    expect(words).toContain("BILLED TO Zoë Łukasiewicz Ωμέγα Studio");
    for (const line of ["2 Engine Row", "N1 9GU London", "United Kingdom", checkout.email])
      expect(words).toContain(line);
    expect(words).toContain("Description Qty Unit price VAT Amount");
    expect(words).toContain("Day pass 2 £25.00 20% £50.00");
    expect(words).toContain("Meeting room 1 £40.00 20% £40.00");
    expect(words).toContain("Subtotal £90.00");
    expect(words).toContain("VAT 20% £18.00");
    expect(words).toContain("Total paid £108.00");
    expect(words).toMatch(/\bPAID\b/);
    expect(words).toContain("Payment reference");
    expect(words).toContain(invoice.paymentReference);
    expect(words).toContain(`Page 1 of 1`);
  });

  it("flows a 40-line invoice onto further pages, repeating the table header, with every line and the totals", async () => {
    const checkout = await createRegisteredCheckout({ extraLines: 38 });

    const { pages, pageCount } = readPdf(
      await pdfOf(await callTokenRoute("pdfByToken", { invoiceId: checkout.invoiceId, token: checkout.invoiceToken })),
    );

    expect(pageCount).toBeGreaterThanOrEqual(2);
    expect(pages).toHaveLength(pageCount);
    pages.forEach((page, index) => {
      expect(squash(page)).toContain("Description Qty Unit price VAT Amount");
      expect(squash(page)).toContain(`Page ${index + 1} of ${pageCount}`);
    });
    const all = squash(pages.join(" "));
    for (let item = 1; item <= 38; item++) expect(all).toContain(`Extra item ${item} with a description`);
    expect(squash(pages.at(-1)!)).toContain("Total paid");
    expect(squash(pages[1]!)).toContain("(continued)");
  });

  it("records an audit event for every PDF served", async () => {
    const checkout = await createRegisteredCheckout();
    await callTokenRoute("pdfByToken", { invoiceId: checkout.invoiceId, token: checkout.invoiceToken });
    await callTokenRoute("pdfByToken", {
      invoiceId: checkout.invoiceId,
      authorization: `Bearer ${checkout.invoiceToken}`,
    });

    const events = await db.auditEvent.findMany({
      where: { invoiceId: checkout.invoiceId, type: "invoice.pdf_downloaded" },
    });
    expect(events).toHaveLength(2);
    const invoice = await db.invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { customerId: true },
    });
    expect(events[0]).toMatchObject({
      customerId: invoice.customerId,
      actor: `customer:${invoice.customerId}`,
      clientIp: expect.any(String),
    });
  });
});
