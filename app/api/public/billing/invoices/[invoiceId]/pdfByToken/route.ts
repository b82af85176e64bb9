import { downloadInvoicePdfByToken } from "@/lib/server/billing/download-invoice-pdf";
import { clientIpOf, handleRoute, invoiceTokenOf, methodNotAllowed, pdfResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** docs/contract.md §3.2: the invoice PDF, for the invoice-scoped token in `?token=` or `Authorization: Bearer`. */
export async function GET(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { invoiceId } = await context.params;
    return pdfResponse(
      await downloadInvoicePdfByToken({ token: invoiceTokenOf(request), invoiceId, clientIp: clientIpOf(request) }),
    );
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
