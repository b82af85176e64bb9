import { getRequestViewer } from "@/lib/server/auth/viewer";
import { downloadInvoicePdfForViewer } from "@/lib/server/billing/download-invoice-pdf";
import { clientIpOf, handleRoute, methodNotAllowed, pdfResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** The invoice PDF for a signed-in viewer (the portal's download), with the read's authorization. */
export async function GET(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { invoiceId } = await context.params;
    const viewer = await getRequestViewer(request);
    return pdfResponse(await downloadInvoicePdfForViewer({ viewer, invoiceId, clientIp: clientIpOf(request) }));
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
