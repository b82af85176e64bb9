import { getRequestViewer } from "@/lib/server/auth/viewer";
import { getInvoiceForViewerOrThrow } from "@/lib/server/billing/get-invoice-for-viewer";
import { presentInvoice } from "@/lib/server/billing/present-invoice";
import { handleRoute, jsonResponse, methodNotAllowed } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** docs/contract.md §3.3: the full invoice, for a signed-in customer who owns it or staff of its business. */
export async function GET(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { invoiceId } = await context.params;
    const viewer = await getRequestViewer(request);
    return jsonResponse(presentInvoice(await getInvoiceForViewerOrThrow({ viewer, invoiceId })));
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
