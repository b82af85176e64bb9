import { describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/server/db";
import { getInvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { correctGuestEmail } from "@/lib/server/staff/correct-guest-email";
import { createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { callTokenRoute } from "@/test/invoice-token-client";
import { deliverMailTo } from "@/test/deliver-mail";
import { readPdf } from "@/test/pdf-text";

/**
 * An invoice's PDF is drawn once per version and kept in the database for every instance: the receipt's PDF at
 * payment is the file a guest downloads after registering, on any instance, and a correction makes a new version.
 */
const db = getDb();

/** Delivers the queued mail of `recipient` alone and returns the PDFs attached to what they were sent. */
async function pdfsMailedTo(recipient: string): Promise<Buffer[]> {
  return (await deliverMailTo(recipient)).flatMap((mail) =>
    mail.attachments.map((attachment) => Buffer.from(attachment.content)),
  );
}

function storedPdfsOf(invoiceId: number) {
  return db.invoicePdf.findMany({ where: { invoiceId }, orderBy: { createdAt: "asc" } });
}

/** renderInvoicePdf as another instance has it: a fresh copy of the module, with nothing in its memory. */
async function renderOnAnotherInstance(invoiceId: number): Promise<Buffer> {
  vi.resetModules();
  const { renderInvoicePdf } = await import("@/lib/server/invoices/render-invoice-pdf");
  const { getInvoiceDocument: documentOf } = await import("@/lib/server/invoices/invoice-document");
  return renderInvoicePdf((await documentOf(invoiceId))!);
}

describe("the invoice PDF store", () => {
  it("keeps the receipt's PDF from payment, and serves it as the guest's download after registration", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    const [attached] = await pdfsMailedTo(checkout.email);
    expect(attached).toBeDefined();

    const stored = await storedPdfsOf(checkout.invoiceId);
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.content).equals(attached!)).toBe(true);

    const response = await callTokenRoute("pdfByToken", {
      invoiceId: checkout.invoiceId,
      token: checkout.invoiceToken,
    });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(attached!)).toBe(true);
    // Registering linked a customer; that is not drawn, so it is still the one version.
    expect(await storedPdfsOf(checkout.invoiceId)).toHaveLength(1);
  });

  it("is read, not drawn again, by an instance that never drew it", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    await pdfsMailedTo(checkout.email);
    const [stored] = await storedPdfsOf(checkout.invoiceId);
    // Mark the stored copy: only a read of the store can answer it.
    const marked = Buffer.concat([Buffer.from(stored!.content), Buffer.from("\n%stored\n")]);
    await db.invoicePdf.update({ where: { digest: stored!.digest }, data: { content: marked } });

    expect((await renderOnAnotherInstance(checkout.invoiceId)).equals(marked)).toBe(true);
  });

  it("draws a new version when a correction changes what the invoice shows, and keeps the first", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    await pdfsMailedTo(checkout.email);
    const right = uniqueEmail();
    await correctGuestEmail({
      staffUserId: 1,
      staffEmail: "desk@example.com",
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
      email: right,
      clientIp: "203.0.113.5",
    });
    const [again] = await pdfsMailedTo(right);

    const stored = await storedPdfsOf(checkout.invoiceId);
    expect(stored).toHaveLength(2);
    expect(readPdf(again!).text).toContain(right);
    expect(readPdf(Buffer.from(stored[0]!.content)).text).toContain(checkout.email);
    expect(Buffer.from(stored[1]!.content).equals(again!)).toBe(true);
    const document = await getInvoiceDocument(checkout.invoiceId);
    expect(document?.billedToEmail).toBe(right);
  });
});
