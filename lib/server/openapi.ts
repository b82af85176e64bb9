import "server-only";

import { createDocument, type ZodOpenApiPathItemObject, type ZodOpenApiResponsesObject } from "zod-openapi";

import type { ErrorCode } from "@/lib/api/error-codes";
import { getConfig } from "@/lib/config";
import { ProblemSchema } from "@/lib/api/problem";
import { problemBody } from "@/lib/server/errors";
import { PlacedCheckoutResponseSchema, PlaceCheckoutSchema } from "@/lib/validation/checkout";
import { HealthSchema } from "@/lib/validation/health";
import { PaymentEventReceiptSchema } from "@/lib/validation/payment";
import { InvoiceDetailSchema, type InvoiceDetail } from "@/lib/validation/invoice-detail";
import { InvoiceSummarySchema, SAMPLE_INVOICE_SUMMARY } from "@/lib/validation/invoice-summary";
import { IdempotencyKeySchema, InvoiceIdSchema, RegistrationTokenSchema } from "@/lib/validation/registration";
import { z } from "@/lib/validation/zod";

/**
 * The API's machine-readable description (OpenAPI 3.1), served at /api/openapi.json and drawn at /docs/api. It is
 * built from the zod schemas the handlers use, and every example error is the body the server itself writes
 * (`problemBody`; a real answer's detail may say more), so neither can drift from the code; lib/server/openapi.test.ts
 * checks the real answers against it. docs/contract.md says the same in words.
 */

const invoiceIdParam = InvoiceIdSchema.meta({
  description: "The invoice's id, a positive integer written plainly (no sign, no leading zero).",
  example: "42",
});

const retryAfter = z.string().meta({
  description: "Seconds to wait before trying again.",
  example: "30",
  header: { required: true },
});

/** A problem response whose examples are the server's own bodies for `codes` (one example per code). */
function problem(description: string, codes: ErrorCode[], options: { retryAfter?: boolean } = {}) {
  return {
    description,
    ...(options.retryAfter ? { headers: z.object({ "Retry-After": retryAfter }) } : {}),
    content: {
      "application/problem+json": {
        schema: ProblemSchema,
        examples: Object.fromEntries(codes.map((code) => [code, { value: problemBody(code) }])),
      },
    },
  };
}

const correlationId = z.string().meta({
  description: "The reference of the fault in the server's log (also in the detail).",
  example: "5b0f5c3e-8d0e-4a43-9f3a-1c2b3d4e5f60",
});

/** The answers every operation can give: a method it does not take, and an unexpected fault. */
function always(allow: string) {
  return {
    "405": {
      ...problem(`The endpoint takes ${allow} only.`, ["method_not_allowed"]),
      headers: z.object({
        Allow: z
          .string()
          .meta({ description: "The methods the endpoint takes.", example: allow, header: { required: true } }),
      }),
    },
    "500": {
      ...problem("An unexpected fault; nothing was half-written. The detail ends with a reference for support.", [
        "internal_error",
      ]),
      headers: z.object({ "X-Correlation-Id": correlationId }),
    },
  } satisfies ZodOpenApiResponsesObject;
}

const invoicePdf = {
  description: "The invoice, as a PDF named after its number (`Content-Disposition: attachment`).",
  content: { "application/pdf": { schema: z.string().meta({ format: "binary" }) } },
};

const tooLarge = {
  "413": problem("The request body is larger than the endpoint accepts (64 KB).", ["payload_too_large"]),
} satisfies ZodOpenApiResponsesObject;

const invoiceTokenErrors = {
  "401": problem("The invoice token is missing, malformed, forged, for another purpose, or expired.", [
    "invoice_token_invalid",
    "invoice_token_expired",
  ]),
  "404": problem("The token is not for this invoice, or the invoice is not there.", ["invoice_not_found"]),
} satisfies ZodOpenApiResponsesObject;

/** The made-up receipt of the staff preview, as the authenticated read answers it. */
const sampleInvoiceDetail: InvoiceDetail = {
  id: SAMPLE_INVOICE_SUMMARY.invoiceId,
  number: SAMPLE_INVOICE_SUMMARY.invoiceNumber,
  status: "paid",
  issuedAt: SAMPLE_INVOICE_SUMMARY.issuedAt,
  paidAt: SAMPLE_INVOICE_SUMMARY.paidAt,
  currency: SAMPLE_INVOICE_SUMMARY.currency,
  business: {
    name: SAMPLE_INVOICE_SUMMARY.businessName,
    address: "12 Clerkenwell Road\nLondon EC1M 5PQ",
    taxId: "GB 123 4567 89",
    locale: "en-GB",
    timeZone: "Europe/London",
  },
  customer: { id: 7, fullName: "Jo Guest", email: "jo@example.com", company: null },
  billedTo: { name: "Jo Guest", email: "jo@example.com", company: null, address: "1 Demo Street\nE1 6AN London" },
  lines: SAMPLE_INVOICE_SUMMARY.lines.map((line, index) => ({
    ...line,
    position: index + 1,
    taxMinor: Math.round((line.amountMinor * line.taxRateBp) / 10_000),
  })),
  subtotalMinor: SAMPLE_INVOICE_SUMMARY.subtotalMinor,
  taxMinor: SAMPLE_INVOICE_SUMMARY.taxMinor,
  totalMinor: SAMPLE_INVOICE_SUMMARY.totalMinor,
  payments: [
    {
      provider: "test",
      reference: "pay_4a172406e7d812c8",
      amountMinor: SAMPLE_INVOICE_SUMMARY.totalMinor,
      currency: "GBP",
      status: "succeeded",
      createdAt: SAMPLE_INVOICE_SUMMARY.issuedAt,
      completedAt: SAMPLE_INVOICE_SUMMARY.issuedAt,
    },
  ],
};

/** The shape of an invoice token (its signature is made up). */
const SAMPLE_INVOICE_TOKEN =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6Imludm9pY2UtYWNjZXNzK2p3dCIsImtpZCI6ImsxIn0." +
  "eyJpc3MiOiJiaWxsaW5nLXBvcnRhbCIsImF1ZCI6Imludm9pY2UiLCJzdWIiOiIxMjMiLCJjaWQiOjcsInNjb3BlIjoiaW52b2ljZTpyZWFkIGludm9pY2U6cGRmIn0." +
  "c2FtcGxlLXNpZ25hdHVyZS1ub3QtdmFsaWQtYW55d2hlcmU";

const invoiceTokenSecurity: Record<string, string[]>[] = [{ invoiceToken: [] }, { invoiceTokenQuery: [] }];

const registerByTokenPath: ZodOpenApiPathItemObject = {
  post: {
    tags: ["Guest checkout"],
    operationId: "registerByToken",
    summary: "Register the guest of a paid checkout",
    description:
      "Creates the customer (or links the invoice to the existing customer of that e-mail address), grants portal " +
      "access, queues the registration e-mail and answers an invoice token. Checks, in this order: the basket token; " +
      "the invoice; single use; expiry; payment. Nothing reveals whether an invoice exists without a valid basket " +
      "token. With an `Idempotency-Key`, a retry of the request that consumed the basket is answered again (replay).",
    security: [{ basketToken: [] }],
    // The basket token (`?token=`) is described by the basketToken security scheme, not again as a parameter: a
    // client that sent it twice would be refused (one `token`, or none, is accepted).
    requestParams: {
      path: z.object({ invoiceId: invoiceIdParam }),
      header: z.object({
        "Idempotency-Key": IdempotencyKeySchema.optional().meta({
          description:
            "Makes a retry safe: a later request with the same token, invoice and key, before the basket expires, is " +
            "answered 200 with a fresh token for the same invoice and customer.",
          example: "0b6f8a9e-2c1d-4e5f-8a7b-9c0d1e2f3a4b",
        }),
      }),
    },
    requestBody: {
      required: false,
      description: "Ignored (at most 64 KB); clients send `{}`.",
      content: { "application/json": { schema: z.object({}).meta({ example: {} }) } },
    },
    responses: {
      "200": {
        description: "Registered (or replayed): the invoice token.",
        content: {
          "application/json": {
            schema: RegistrationTokenSchema,
            examples: { registered: { value: { Token: SAMPLE_INVOICE_TOKEN } } },
          },
        },
      },
      "400": problem("The Idempotency-Key is not 8–255 printable characters.", ["idempotency_key_invalid"]),
      "401": problem("The basket token is missing, malformed or unknown; already used; or expired.", [
        "basket_token_invalid",
        "basket_token_used",
        "basket_token_expired",
      ]),
      "402": problem("The checkout's latest payment attempt was declined: the guest pays again at checkout.", [
        "payment_declined",
      ]),
      "404": problem("The invoice id is malformed, unknown, or not this basket's invoice (one answer for all three).", [
        "invoice_not_found",
      ]),
      "409": problem(
        "The payment is not confirmed yet; nothing changed. Retry after the given seconds.",
        ["payment_pending"],
        { retryAfter: true },
      ),
      "429": problem("Too many attempts from this client address or for this token.", ["rate_limited"], {
        retryAfter: true,
      }),
      ...tooLarge,
      ...always("POST"),
    },
  },
};

const pdfByTokenPath: ZodOpenApiPathItemObject = {
  get: {
    tags: ["Invoices"],
    operationId: "pdfByToken",
    summary: "Download the invoice PDF with an invoice token",
    description: "The token goes in `Authorization: Bearer` or in `?token=`. Every download is audited.",
    security: invoiceTokenSecurity,
    requestParams: { path: z.object({ invoiceId: invoiceIdParam }) },
    responses: {
      "200": invoicePdf,
      ...invoiceTokenErrors,
      ...always("GET"),
    },
  },
};

const summaryByTokenPath: ZodOpenApiPathItemObject = {
  get: {
    tags: ["Invoices"],
    operationId: "summaryByToken",
    summary: "Read the receipt of an invoice with an invoice token",
    description:
      "What the completion page shows, as the e-mailed receipt and the PDF do: the number and date, the guest's " +
      "name and the address the receipt was e-mailed to (in full: it is the guest's own, and the PDF the same token " +
      "opens prints it), the lines with quantity and unit price, the subtotal, the tax by rate, the total, and the " +
      "card it was paid with (brand and last four digits). Nothing else, ever.",
    security: invoiceTokenSecurity,
    requestParams: { path: z.object({ invoiceId: invoiceIdParam }) },
    responses: {
      "200": {
        description: "The receipt.",
        content: {
          "application/json": {
            schema: InvoiceSummarySchema,
            examples: { paid: { value: SAMPLE_INVOICE_SUMMARY } },
          },
        },
      },
      ...invoiceTokenErrors,
      ...always("GET"),
    },
  },
};

const invoicePath: ZodOpenApiPathItemObject = {
  get: {
    tags: ["Invoices"],
    operationId: "getInvoice",
    summary: "Read an invoice as a signed-in customer or staff member",
    description:
      "A customer reads the invoices of their own customer records; staff those of their business. Any other " +
      "invoice is 404, never 403, so nobody learns it exists. An invoice not yet paid has no number or issue date.",
    security: [{ sessionCookie: [] }],
    requestParams: { path: z.object({ invoiceId: invoiceIdParam }) },
    responses: {
      "200": {
        description: "The full invoice.",
        content: {
          "application/json": { schema: InvoiceDetailSchema, examples: { paid: { value: sampleInvoiceDetail } } },
        },
      },
      "401": problem("Nobody is signed in.", ["unauthorized"]),
      "404": problem("No invoice this viewer may read has this id.", ["invoice_not_found"]),
      ...always("GET"),
    },
  },
};

const invoicePdfPath: ZodOpenApiPathItemObject = {
  get: {
    tags: ["Invoices"],
    operationId: "getInvoicePdf",
    summary: "Download an invoice PDF as a signed-in customer or staff member",
    description: "The portal's download: the same viewers and answers as the invoice read. Every download is audited.",
    security: [{ sessionCookie: [] }],
    requestParams: { path: z.object({ invoiceId: invoiceIdParam }) },
    responses: {
      "200": invoicePdf,
      "401": problem("Nobody is signed in.", ["unauthorized"]),
      "404": problem("No issued invoice this viewer may read has this id.", ["invoice_not_found"]),
      ...always("GET"),
    },
  },
};

const checkoutPath: ZodOpenApiPathItemObject = {
  post: {
    tags: ["Guest checkout"],
    operationId: "placeCheckout",
    summary: "Place and pay a guest's order",
    description:
      "The checkout page's submission. The `orderKey` makes a resubmission safe: the same order is never placed or " +
      "charged twice, and after a decline the next submission is a new attempt on the same order. A resubmission " +
      "answers the order's current state (its lines and guest are those first placed). Each answer holds the " +
      "completion page's address with a new basket token, which exists only in that answer; the order's earlier " +
      "tokens stop working. The built-in test provider pays with 4242 4242 4242 4242, declines " +
      "4000 0000 0000 0002, and confirms 4000 0000 0000 3220 a few seconds later (`pending`). The card number must " +
      "pass the Luhn check and the expiry be in the future; `guest.email` must be an e-mail address.",
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: PlaceCheckoutSchema,
          examples: {
            dayPass: {
              value: {
                orderKey: "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b",
                guest: { fullName: "Jo Guest", email: "jo@example.com", billingCountry: "GB" },
                lines: [{ productId: 1, quantity: 2 }],
                card: { number: "4242 4242 4242 4242", expiry: "12/34", cvc: "123" },
              },
            },
          },
        },
      },
    },
    responses: {
      "200": {
        description: "Paid, or waiting for the bank's confirmation.",
        content: {
          "application/json": {
            schema: PlacedCheckoutResponseSchema,
            examples: {
              paid: {
                value: {
                  status: "paid",
                  invoiceId: 123,
                  completionUrl: "/checkout/complete?invoiceId=123&basketSession=3cf26827-6d6b-4b4c-9a3e-2f1d0c8b7a65",
                },
              },
              pending: {
                value: {
                  status: "pending",
                  invoiceId: 124,
                  completionUrl: "/checkout/complete?invoiceId=124&basketSession=9d1e0c2a-5b7f-4e3d-8c6a-1f2e3d4c5b6a",
                },
              },
            },
          },
        },
      },
      "400": problem(
        "The order is not valid (the detail names the first problem), or not sent as `application/json`.",
        ["bad_request"],
      ),
      "402": problem("The card was declined. Nothing was taken.", ["payment_declined"]),
      "403": problem("Sent by a page of another site (its `Origin` is not the portal's). Nothing was placed.", [
        "cross_site_request",
      ]),
      "409": problem(
        "This order's payment is being charged by another submission (ask again after `Retry-After`), or the order is already complete.",
        ["checkout_in_progress", "order_already_completed"],
      ),
      "429": problem("Too many checkout attempts from this client address.", ["rate_limited"], {
        retryAfter: true,
      }),
      ...tooLarge,
      ...always("POST"),
    },
  },
};

const paymentEventsPath: ZodOpenApiPathItemObject = {
  post: {
    tags: ["Payments"],
    operationId: "receivePaymentEvent",
    summary: "A payment provider's webhook event",
    description:
      "A charge the provider confirms later, reported by the provider. The event is verified by the provider's scheme before it is read " +
      "(the test provider: Standard Webhooks, headers `webhook-id`, `webhook-timestamp` and `webhook-signature`, five minutes' tolerance), " +
      "applied once (a replay changes nothing) and only ever moves a payment forward.",
    requestParams: {
      path: z.object({ provider: z.string().meta({ description: "The provider's name.", example: "test" }) }),
    },
    requestBody: {
      content: {
        "application/json": {
          schema: z.object({}).passthrough().meta({ description: "The provider's event, as it signed it." }),
          examples: {
            succeeded: {
              value: {
                type: "charge.succeeded",
                data: { reference: "pay_4f1c2b3a4d5e6f708192a3b4", sequence: 2 },
              },
            },
          },
        },
      },
    },
    responses: {
      "200": {
        description: "Verified; `applied` says what it changed (`duplicate`: an event already applied).",
        content: {
          "application/json": {
            schema: PaymentEventReceiptSchema,
            examples: { paid: { value: { received: true, applied: "paid" } } },
          },
        },
      },
      "400": problem("The signature, timestamp or body could not be verified; nothing was read from it.", [
        "webhook_signature_invalid",
      ]),
      "404": problem("The app has no provider of this name.", ["not_found"]),
      ...tooLarge,
      ...always("POST"),
    },
  },
};

const healthPath: ZodOpenApiPathItemObject = {
  get: {
    tags: ["Operations"],
    operationId: "health",
    summary: "Whether this instance can take writes",
    description: "200 when a write transaction can begin within 2 seconds; 503 otherwise.",
    responses: {
      "200": {
        description: "Healthy.",
        content: { "application/json": { schema: HealthSchema, examples: { ok: { value: { status: "ok" } } } } },
      },
      "503": {
        description: "The database cannot take a write now.",
        content: {
          "application/json": {
            schema: HealthSchema,
            examples: { unavailable: { value: { status: "unavailable" } } },
          },
        },
      },
      "405": always("GET")["405"],
    },
  },
};

export function buildOpenApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Guest checkout completion API",
      version: "1.0.0",
      description:
        "Turns a guest who has just paid into a registered customer, hands them an invoice-scoped token, and serves " +
        "their invoice. Errors are RFC 9457 problem details with a stable `code`. Every answer of these endpoints " +
        "carries `Cache-Control: no-store` (PDFs: `private, no-store`).",
    },
    servers: [{ url: getConfig().appUrl, description: "This installation" }],
    tags: [
      { name: "Guest checkout", description: "Placing an order and registering the guest who paid for it." },
      { name: "Invoices", description: "The invoice, by invoice token or for a signed-in viewer." },
      { name: "Payments", description: "What payment providers tell the app." },
      { name: "Operations", description: "For load balancers and orchestrators." },
    ],
    components: {
      securitySchemes: {
        basketToken: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "The basket session GUID of the guest's checkout, from the completion link. Single use.",
        },
        invoiceToken: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT",
          description: "The invoice token registerByToken answered: opens one invoice, for a limited time.",
        },
        invoiceTokenQuery: {
          type: "apiKey",
          in: "query",
          name: "token",
          description: "The same invoice token in the query, for links (a PDF download in a browser).",
        },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description:
            "A signed-in customer's or staff member's session (`__Secure-next-auth.session-token` over HTTPS).",
        },
      },
    },
    paths: {
      "/api/public/billing/invoices/{invoiceId}/registerByToken": registerByTokenPath,
      "/api/public/billing/invoices/{invoiceId}/pdfByToken": pdfByTokenPath,
      "/api/public/billing/invoices/{invoiceId}/summaryByToken": summaryByTokenPath,
      "/api/public/billing/invoices/{invoiceId}": invoicePath,
      "/api/public/billing/invoices/{invoiceId}/pdf": invoicePdfPath,
      "/api/checkout": checkoutPath,
      "/api/payments/{provider}/events": paymentEventsPath,
      "/api/health": healthPath,
    },
  });
}

/** The document as JSON. */
export function openApiJson(): string {
  return JSON.stringify(buildOpenApiDocument());
}
