import { randomUUID } from "node:crypto";

import { endpoints } from "../lib/api/endpoints";

/**
 * What a browser and a guest send, as plain HTTP against a served app, each request bounded in time: the
 * outcome is a status code, or "timeout" / "error" when no answer came.
 */
const REQUEST_TIMEOUT_MS = 10_000;

export type Outcome = number | "timeout" | "error";

export class Tally {
  readonly counts = new Map<string, Map<Outcome, number>>();
  add(kind: string, outcome: Outcome): void {
    const byOutcome = this.counts.get(kind) ?? new Map<Outcome, number>();
    byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
    this.counts.set(kind, byOutcome);
  }

  /** Requests that got a 5xx or no answer, by kind. */
  failures(): string[] {
    const failures: string[] = [];
    for (const [kind, byOutcome] of this.counts) {
      for (const [outcome, count] of byOutcome) {
        if (typeof outcome !== "number" || outcome >= 500) failures.push(`${kind}: ${count} × ${outcome}`);
      }
    }
    return failures;
  }

  count(kind: string, outcome: Outcome): number {
    return this.counts.get(kind)?.get(outcome) ?? 0;
  }

  toString(): string {
    return [...this.counts]
      .map(
        ([kind, byOutcome]) => `${kind} ${[...byOutcome].map(([outcome, count]) => `${outcome}×${count}`).join(" ")}`,
      )
      .join("; ");
  }
}

/** Statuses whose response may not carry a body, even an empty one. */
const BODILESS = new Set([101, 204, 205, 304]);

/**
 * One request, answered in full: the body is read before the outcome is counted, so an answer cut off
 * after its headers (a server killed mid-response) is an "error" like any other lost answer.
 */
export async function send(tally: Tally, kind: string, url: string, init: RequestInit = {}): Promise<Response | null> {
  return (await exchange(tally, kind, url, init)).response;
}

/** `send`, answering the outcome it counted too: the status, or why no answer came. */
async function exchange(
  tally: Tally,
  kind: string,
  url: string,
  init: RequestInit = {},
): Promise<{ outcome: Outcome; response: Response | null }> {
  try {
    const response = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = await response.arrayBuffer();
    tally.add(kind, response.status);
    const copy = new Response(BODILESS.has(response.status) ? null : body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
    return { outcome: response.status, response: copy };
  } catch (error) {
    const outcome = error instanceof Error && error.name === "TimeoutError" ? "timeout" : "error";
    tally.add(kind, outcome);
    return { outcome, response: null };
  }
}

const json = (body: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export interface PaidCheckout {
  invoiceId: number;
  basketSession: string;
}

/** What the checkout page submits for one product, paid with the test card that pays. */
export function paidCheckoutBody(input: { productId: number; email: string }): unknown {
  return {
    orderKey: randomUUID(),
    guest: { fullName: "Soak Guest", email: input.email },
    lines: [{ productId: input.productId, quantity: 1 }],
    card: { number: "4242 4242 4242 4242", expiry: "12/34", cvc: "123" },
  };
}

/** The checkout page's submission with the test card that pays; null unless it was paid. */
export async function checkout(
  tally: Tally,
  baseUrl: string,
  input: { productId: number; email: string },
): Promise<PaidCheckout | null> {
  const response = await send(
    tally,
    "checkout",
    `${baseUrl}${endpoints.checkout.place().url}`,
    json(paidCheckoutBody(input)),
  );
  if (response?.status !== 200) return null;
  const placed = (await response.json()) as { completionUrl: string };
  const url = new URL(placed.completionUrl, baseUrl);
  return {
    invoiceId: Number(url.searchParams.get("invoiceId")),
    basketSession: url.searchParams.get("basketSession")!,
  };
}

/** registerByToken; the invoice token when it answered 200. */
export async function register(
  tally: Tally,
  baseUrl: string,
  invoiceId: number,
  basketSession: string,
  kind = "registerByToken",
): Promise<string | null> {
  const response = await send(
    tally,
    kind,
    `${baseUrl}${endpoints.billing.invoices.registerByToken(invoiceId, basketSession).url}`,
    json({}),
  );
  if (response?.status !== 200) return null;
  return ((await response.json()) as { Token: string }).Token;
}

export async function downloadPdf(tally: Tally, baseUrl: string, invoiceId: number, token: string): Promise<void> {
  await send(tally, "pdfByToken", `${baseUrl}${endpoints.billing.invoices.pdfByToken(invoiceId, token).url}`);
}

/** The portal's "e-mail me a sign-in link" form. */
export async function requestSignInLink(tally: Tally, baseUrl: string, email: string): Promise<void> {
  await send(tally, "sign-in link", `${baseUrl}${endpoints.portal.requestSignIn().url}`, json({ email }));
}

/** The test provider's cards (lib/server/payments/test-provider.ts), as a guest types them. */
export const TEST_CARDS = {
  pays: "4242 4242 4242 4242",
  declined: "4000 0000 0000 0002",
  confirmsLater: "4000 0000 0000 3220",
} as const;

export interface CheckoutAnswer {
  /** The HTTP status, or "timeout" / "error" when no answer came (a server killed mid-request). */
  outcome: Outcome;
  /** The parsed JSON body (the placed order, or the problem), when there was one. */
  body: { status?: "paid" | "pending"; invoiceId?: number; completionUrl?: string; code?: string } | null;
  retryAfter: string | null;
  /** The completion link of a 200 answer. */
  link: PaidCheckout | null;
}

/** One submission of the checkout page: any card, any order key (a resubmission reuses it), the whole answer. */
export async function submitCheckout(
  tally: Tally,
  baseUrl: string,
  input: { productId: number; email: string; card: string; orderKey?: string; fullName?: string; quantity?: number },
): Promise<CheckoutAnswer> {
  const { outcome, response } = await exchange(
    tally,
    "checkout",
    `${baseUrl}${endpoints.checkout.place().url}`,
    json({
      orderKey: input.orderKey ?? randomUUID(),
      guest: { fullName: input.fullName ?? "Fulfilment Guest", email: input.email },
      lines: [{ productId: input.productId, quantity: input.quantity ?? 1 }],
      card: { number: input.card, expiry: "12/34", cvc: "123" },
    }),
  );
  if (!response) return { outcome, body: null, retryAfter: null, link: null };
  const text = await response.text();
  let body: CheckoutAnswer["body"] = null;
  try {
    body = text ? (JSON.parse(text) as CheckoutAnswer["body"]) : null;
  } catch {
    body = null;
  }
  let link: PaidCheckout | null = null;
  if (response.status === 200 && body?.completionUrl) {
    const url = new URL(body.completionUrl, baseUrl);
    link = {
      invoiceId: Number(url.searchParams.get("invoiceId")),
      basketSession: url.searchParams.get("basketSession")!,
    };
  }
  return { outcome: response.status, body, retryAfter: response.headers.get("retry-after"), link };
}

interface RegistrationAnswer {
  outcome: Outcome;
  /** The problem's code of a refusal. */
  code: string | null;
  /** The invoice token of a 200. */
  token: string | null;
}

/** registerByToken with the whole answer, optionally with an Idempotency-Key, as the completion page sends it. */
export async function registerOnce(
  tally: Tally,
  baseUrl: string,
  link: PaidCheckout,
  options: { idempotencyKey?: string } = {},
): Promise<RegistrationAnswer> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;
  const { outcome, response } = await exchange(
    tally,
    "registerByToken",
    `${baseUrl}${endpoints.billing.invoices.registerByToken(link.invoiceId, link.basketSession).url}`,
    {
      method: "POST",
      headers,
      body: "{}",
    },
  );
  if (!response) return { outcome, code: null, token: null };
  const body = (await response.json().catch(() => null)) as { Token?: string; code?: string } | null;
  return { outcome: response.status, code: body?.code ?? null, token: body?.Token ?? null };
}
