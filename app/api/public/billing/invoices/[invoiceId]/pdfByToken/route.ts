import { downloadInvoicePdf } from "@/lib/server/billing/download-invoice-pdf";
import { clientIpOf, handleRoute, invoiceTokenOf, methodNotAllowed } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** SPEC §3.2: the invoice PDF, for the invoice-scoped token in `?token=` or `Authorization: Bearer`. */
export async function GET(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { invoiceId } = await context.params;
    const { fileName, pdf } = await downloadInvoicePdf({ token: invoiceTokenOf(request), invoiceId, clientIp: clientIpOf(request) });
    return new Response(new Uint8Array(pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Content-Length": String(pdf.length),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
