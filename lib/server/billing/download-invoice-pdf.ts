import "server-only";

import { recordAuditEvent } from "@/lib/server/audit";
import { openInvoiceByToken } from "@/lib/server/billing/open-invoice-by-token";
import { renderInvoicePdf } from "@/lib/server/billing/render-invoice-pdf";
import { getDb } from "@/lib/server/db";

/** pdfByToken (SPEC §3.2): the invoice the token opens, as a PDF; every download is audited. */
export async function downloadInvoicePdf(input: {
  token: string | null;
  invoiceId: string;
  clientIp: string;
}): Promise<{ fileName: string; pdf: Buffer }> {
  const { invoice, claims } = await openInvoiceByToken({ token: input.token, invoiceId: input.invoiceId, scope: "invoice:pdf" });
  const pdf = await renderInvoicePdf(invoice);
  await recordAuditEvent(getDb(), {
    type: "invoice.pdf_downloaded",
    actor: `customer:${claims.customerId}`,
    invoiceId: invoice.id,
    customerId: claims.customerId,
    clientIp: input.clientIp,
    detail: { via: "invoice-token", tokenId: claims.tokenId },
  });
  return { fileName: `${invoice.number.replace(/[^\w.-]/g, "_")}.pdf`, pdf };
}
