import "server-only";

import { randomUUID } from "node:crypto";

import { ERROR_STATUS, type ErrorCode } from "@/lib/api/error-codes";
import type { Problem } from "@/lib/api/problem";
import { logger } from "@/lib/server/logger";

export { ERROR_STATUS as errorStatus, type ErrorCode } from "@/lib/api/error-codes";

const errorText: Record<ErrorCode, { title: string; detail: string }> = {
  bad_request: { title: "Bad request", detail: "The request is not valid." },
  idempotency_key_invalid: {
    title: "Invalid Idempotency-Key",
    detail: "The Idempotency-Key header must be 8 to 255 printable ASCII characters.",
  },
  webhook_signature_invalid: {
    title: "Invalid webhook event",
    detail: "The event's signature, timestamp or body could not be verified.",
  },
  basket_token_invalid: {
    title: "Invalid checkout token",
    detail: "The checkout token is missing or does not match any checkout.",
  },
  basket_token_used: {
    title: "Checkout already completed",
    detail: "This checkout has already been used to register. Sign in to the customer portal instead.",
  },
  basket_token_expired: {
    title: "Checkout link expired",
    detail: "This checkout link has expired. Your payment is safe; contact us to access your invoice.",
  },
  invoice_token_invalid: {
    title: "Invalid invoice token",
    detail: "The invoice token is missing, malformed or not valid for this service.",
  },
  invoice_token_expired: {
    title: "Invoice token expired",
    detail: "The invoice token has expired. Sign in to the customer portal to download the invoice.",
  },
  unauthorized: { title: "Not signed in", detail: "Sign in to continue." },
  cross_site_request: {
    title: "Cross-site request refused",
    detail: "This action can only be taken from the portal's own pages.",
  },
  invoice_not_found: { title: "Invoice not found", detail: "No invoice matches this request." },
  not_found: { title: "Not found", detail: "Nothing matches this request." },
  method_not_allowed: { title: "Method not allowed", detail: "This endpoint does not support this HTTP method." },
  payment_pending: {
    title: "Payment not completed yet",
    detail: "The payment for this checkout has not been confirmed yet. Try again shortly.",
  },
  checkout_in_progress: {
    title: "Payment in progress",
    detail: "This order's payment is already being processed. Wait a moment before trying again.",
  },
  order_already_completed: {
    title: "Order already completed",
    detail: "This order is already paid and registered. Check your e-mail for how to sign in.",
  },
  payment_declined: { title: "Payment declined", detail: "Your card was declined. No money was taken." },
  payload_too_large: { title: "Request too large", detail: "The request body must be at most 64 KB." },
  rate_limited: { title: "Too many attempts", detail: "Too many attempts. Wait a moment and try again." },
  internal_error: { title: "Internal server error", detail: "An unexpected error occurred." },
};

export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, options: { detail?: string; retryAfterSeconds?: number; cause?: unknown } = {}) {
    super(options.detail ?? errorText[code].detail, { cause: options.cause });
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

type ProblemBody = Problem;

export function problemBody(code: ErrorCode, detail?: string): ProblemBody {
  return {
    type: `urn:problem:${code}`,
    title: errorText[code].title,
    status: ERROR_STATUS[code],
    detail: detail ?? errorText[code].detail,
    code,
  };
}

export function problemResponse(body: ProblemBody, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store", ...headers },
  });
}

/**
 * Turns anything thrown into an RFC 9457 response. An AppError answers with its code; anything else is
 * logged with a correlation id and answered with a generic 500 that reveals nothing of the cause.
 */
export function toProblemResponse(error: unknown): Response {
  if (error instanceof AppError) {
    const headers: Record<string, string> = {};
    if (error.retryAfterSeconds !== undefined)
      headers["Retry-After"] = String(Math.max(1, Math.ceil(error.retryAfterSeconds)));
    return problemResponse(problemBody(error.code, error.message), headers);
  }
  const correlationId = randomUUID();
  logger.error("unhandled error", { correlationId, error });
  return problemResponse(problemBody("internal_error", `An unexpected error occurred. Reference: ${correlationId}.`), {
    "X-Correlation-Id": correlationId,
  });
}
