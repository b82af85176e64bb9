import "server-only";

import type { Viewer } from "@/lib/server/auth/viewer";
import { recordAuditEvent, type AuditEventInput } from "@/lib/server/db/audit-events";
import { getReadableInvoiceIdOrThrow } from "@/lib/server/billing/get-invoice-for-viewer";
import { getInvoiceDocument, type InvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { openInvoiceByToken } from "@/lib/server/billing/open-invoice-by-token";
import { renderInvoicePdf } from "@/lib/server/invoices/render-invoice-pdf";
import { AppError } from "@/lib/server/errors";

/** The invoice PDF, by invoice token (pdfByToken, docs/contract.md §3.2) or for a signed-in viewer (the portal). */
export interface InvoicePdf {
  fileName: string;
  pdf: Buffer;
}

async function serve(
  invoice: InvoiceDocument,
  audit: Pick<AuditEventInput, "actor" | "customerId" | "clientIp" | "detail">,
): Promise<InvoicePdf> {
  const pdf = await renderInvoicePdf(invoice);
  await recordAuditEvent({ type: "invoice.pdf_downloaded", invoiceId: invoice.id, ...audit });
  return { fileName: `${invoice.number.replace(/[^\w.-]/g, "_")}.pdf`, pdf };
}

export async function downloadInvoicePdfByToken(input: {
  token: string | null;
  invoiceId: string;
  clientIp: string;
}): Promise<InvoicePdf> {
  const { invoice, claims } = await openInvoiceByToken({
    token: input.token,
    invoiceId: input.invoiceId,
    scope: "invoice:pdf",
  });
  return serve(invoice, {
    actor: `customer:${invoice.customerId}`,
    customerId: invoice.customerId,
    clientIp: input.clientIp,
    detail: { via: "invoice-token", tokenId: claims.tokenId },
  });
}

export async function downloadInvoicePdfForViewer(input: {
  viewer: Viewer;
  invoiceId: string;
  clientIp: string;
}): Promise<InvoicePdf> {
  const invoiceId = await getReadableInvoiceIdOrThrow({ viewer: input.viewer, invoiceId: input.invoiceId });
  const invoice = await getInvoiceDocument(invoiceId);
  if (!invoice) throw new AppError("invoice_not_found");
  return serve(invoice, {
    actor: input.viewer.kind === "staff" ? `staff:${input.viewer.staffUserId}` : `customer:${invoice.customerId ?? 0}`,
    customerId: invoice.customerId ?? undefined,
    clientIp: input.clientIp,
    detail: { via: "session" },
  });
}
