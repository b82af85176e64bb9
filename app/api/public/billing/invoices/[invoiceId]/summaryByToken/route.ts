import { openInvoiceByToken } from "@/lib/server/billing/open-invoice-by-token";
import { summarizeInvoice } from "@/lib/server/billing/summarize-invoice";
import { handleRoute, invoiceTokenOf, jsonResponse, methodNotAllowed } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** docs/contract.md §3.3: what the completion page shows of the invoice the token opens. Errors as pdfByToken. */
export async function GET(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { invoiceId } = await context.params;
    const { invoice } = await openInvoiceByToken({ token: invoiceTokenOf(request), invoiceId, scope: "invoice:read" });
    return jsonResponse(summarizeInvoice(invoice));
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
