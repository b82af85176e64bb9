import "server-only";

import { getInvoiceDocument, type InvoiceDocument } from "@/lib/server/invoices/invoice-document";
import { AppError } from "@/lib/server/errors";
import { verifyInvoiceToken, type InvoiceTokenClaims, type InvoiceTokenScope } from "@/lib/server/tokens/invoice-token";
import { InvoiceIdSchema } from "@/lib/validation/registration";

/**
 * The gate of the token-gated reads (docs/contract.md §3.2): the token first (401 invoice_token_invalid / _expired),
 * then the invoice it names — another invoice, no such invoice, or one no longer the token's customer's
 * all answer 404 invoice_not_found.
 */
export async function openInvoiceByToken(input: {
  token: string | null;
  invoiceId: string;
  scope: InvoiceTokenScope;
}): Promise<{ invoice: InvoiceDocument & { customerId: number }; claims: InvoiceTokenClaims }> {
  const invoiceId = InvoiceIdSchema.safeParse(input.invoiceId);
  const claims = await verifyInvoiceToken({
    token: input.token,
    invoiceId: invoiceId.success ? invoiceId.data : null,
    scope: input.scope,
  });
  const invoice = await getInvoiceDocument(claims.invoiceId);
  if (!invoice || invoice.customerId === null || !claims.issuedFor(invoice.customerId))
    throw new AppError("invoice_not_found");
  return { invoice: { ...invoice, customerId: invoice.customerId }, claims };
}
