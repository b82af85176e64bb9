import { randomBytes } from "node:crypto";

import { POST } from "@/app/api/public/billing/invoices/[invoiceId]/registerByToken/route";

export function randomIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

interface RegisterCall {
  invoiceId: string | number;
  /** The raw query string after `?`, or a token to put in `token=`. */
  query?: string;
  token?: string;
  headers?: Record<string, string>;
  body?: BodyInit;
}

export interface RegisterResult {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Calls the exported route handler as Next.js does: a Request and a promise of the path parameters. */
export async function callRegister(call: RegisterCall): Promise<RegisterResult> {
  const query = call.query ?? (call.token === undefined ? "" : `token=${encodeURIComponent(call.token)}`);
  const invoiceId = String(call.invoiceId);
  const request = new Request(
    `http://localhost/api/public/billing/invoices/${encodeURIComponent(invoiceId)}/registerByToken${query ? `?${query}` : ""}`,
    {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomIp(), ...call.headers },
      body: call.body ?? "{}",
    },
  );
  const response = await POST(request, { params: Promise.resolve({ invoiceId }) });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
