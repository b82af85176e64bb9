import { GET as getPdf } from "@/app/api/public/billing/invoices/[invoiceId]/pdfByToken/route";
import { GET as getSummary } from "@/app/api/public/billing/invoices/[invoiceId]/summaryByToken/route";

import { randomIp } from "./register-client";

export type TokenRoute = "pdfByToken" | "summaryByToken";

const handlers = { pdfByToken: getPdf, summaryByToken: getSummary } as const;

/** Calls a token-gated read the way Next.js would, with the token in the query or as a bearer. */
export async function callTokenRoute(
  route: TokenRoute,
  call: { invoiceId: string | number; token?: string; query?: string; authorization?: string },
): Promise<Response> {
  const invoiceId = String(call.invoiceId);
  const query = call.query ?? (call.token === undefined ? "" : `token=${encodeURIComponent(call.token)}`);
  const headers: Record<string, string> = { "x-forwarded-for": randomIp() };
  if (call.authorization !== undefined) headers.authorization = call.authorization;
  const request = new Request(
    `http://localhost/api/public/billing/invoices/${encodeURIComponent(invoiceId)}/${route}${query ? `?${query}` : ""}`,
    { headers },
  );
  return handlers[route](request, { params: Promise.resolve({ invoiceId }) });
}
