import { randomUUID } from "node:crypto";

import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { afterAll, describe, expect, it } from "vitest";

import { GET as getCheckout, POST as placeCheckout } from "@/app/api/checkout/route";
import { GET as getPaymentEvent, POST as postPaymentEvent } from "@/app/api/payments/[provider]/events/route";
import { GET as health, POST as postHealth } from "@/app/api/health/route";
import { PROBE_EVERY_MS } from "@/lib/server/health";
import { GET as getInvoicePdf, POST as postInvoicePdf } from "@/app/api/public/billing/invoices/[invoiceId]/pdf/route";
import { POST as postPdfByToken } from "@/app/api/public/billing/invoices/[invoiceId]/pdfByToken/route";
import { GET as getRegisterByToken } from "@/app/api/public/billing/invoices/[invoiceId]/registerByToken/route";
import { POST as postSummaryByToken } from "@/app/api/public/billing/invoices/[invoiceId]/summaryByToken/route";
import { GET as openApiRoute } from "@/app/api/openapi.json/route";
import { POST as registerByToken } from "@/app/api/public/billing/invoices/[invoiceId]/registerByToken/route";
import { GET as getInvoice, POST as postInvoice } from "@/app/api/public/billing/invoices/[invoiceId]/route";
import { getDb } from "@/lib/server/db";
import { buildOpenApiDocument } from "@/lib/server/openapi";
import { signedTestProviderEvent, testProviderEventsUrl } from "@/lib/server/payments/test-provider";
import { seedIfEmpty } from "@/prisma/seed";
import { createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { blockWrites, injectOutboxFault } from "@/test/faults";
import { callTokenRoute } from "@/test/invoice-token-client";
import { randomIp } from "@/test/register-client";
import { sessionCookie } from "@/test/session";

/**
 * The OpenAPI document against the code: it is valid OpenAPI 3.1, its examples fit its schemas, and every answer
 * it documents is produced here by the real route handlers on a real database, with a status, content type,
 * headers and body the document allows. An answer the code gives and the document lacks fails the test, and so
 * does a documented answer no case produces.
 */

// A small budget per basket token for this file, so the 429 case needs few requests (read on first use).
process.env.RATE_LIMIT_TOKEN_POINTS = "30";

const db = getDb();
await seedIfEmpty();
const document = buildOpenApiDocument();

type Operation = {
  operationId: string;
  responses: Record<
    string,
    {
      headers?: Record<string, { required?: boolean }>;
      content?: Record<string, { schema: unknown; examples?: Record<string, { value: unknown }> }>;
    }
  >;
};
const operations = new Map<string, { path: string; method: string; operation: Operation }>();
for (const [path, item] of Object.entries(document.paths ?? {})) {
  for (const [method, operation] of Object.entries(item as Record<string, Operation>))
    operations.set(operation.operationId, { path, method, operation });
}

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(document as object, "openapi");
const pointer = (...segments: string[]) =>
  segments.map((segment) => segment.replaceAll("~", "~0").replaceAll("/", "~1")).join("/");
function validatorFor(operationId: string, status: string, mediaType: string) {
  const { path, method } = operations.get(operationId)!;
  return ajv.compile({
    $ref: `openapi#/${pointer("paths", path, method, "responses", status, "content", mediaType, "schema")}`,
  });
}

/** The answers the cases below produced, by "operationId status". */
const seen = new Set<string>();

async function conforms(operationId: string, response: Response): Promise<void> {
  const status = String(response.status);
  const documented = operations.get(operationId)?.operation.responses[status];
  expect(documented, `${operationId} answered ${status}, which the document does not list`).toBeDefined();
  const mediaType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  expect(Object.keys(documented!.content ?? {}), `${operationId} ${status}: content type`).toContain(mediaType);
  for (const [name, header] of Object.entries(documented!.headers ?? {})) {
    if (header.required)
      expect(response.headers.get(name), `${operationId} ${status}: header ${name}`).toMatch(
        name === "Retry-After" ? /^\d+$/ : /\S/,
      );
  }
  if (mediaType === "application/pdf") {
    expect(
      Buffer.from(await response.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
  } else {
    const validate = validatorFor(operationId, status, mediaType);
    const body: unknown = await response.json();
    expect(
      validate(body),
      `${operationId} ${status}: ${JSON.stringify(validate.errors)} in ${JSON.stringify(body)}`,
    ).toBe(true);
  }
  seen.add(`${operationId} ${status}`);
}

const params = (invoiceId: number | string) => ({ params: Promise.resolve({ invoiceId: String(invoiceId) }) });

function register(
  invoiceId: number | string,
  token: string,
  init: { headers?: Record<string, string>; body?: string } = {},
) {
  const url = `http://localhost/api/public/billing/invoices/${invoiceId}/registerByToken?token=${encodeURIComponent(token)}`;
  return registerByToken(
    new Request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": randomIp(), ...init.headers },
      body: init.body ?? "{}",
    }),
    params(invoiceId),
  );
}

function checkout(body: unknown, ip = randomIp()) {
  return placeCheckout(
    new Request("http://localhost/api/checkout", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": ip },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

async function order(card = "4242 4242 4242 4242") {
  const product = await db.product.findFirstOrThrow({
    where: { active: true },
    orderBy: { id: "asc" },
    select: { id: true },
  });
  return {
    orderKey: randomUUID(),
    guest: { fullName: "Olga OpenAPI", email: uniqueEmail() },
    lines: [{ productId: product.id, quantity: 1 }],
    card: { number: card, expiry: "12/34", cvc: "123" },
  };
}

/** Makes a table unreadable for the length of `work`: a real fault (each test file has a database of its own). */
async function withTableGone<T>(table: string, work: () => Promise<T>): Promise<T> {
  await db.$executeRawUnsafe(`ALTER TABLE "${table}" RENAME TO "${table}_gone"`);
  try {
    return await work();
  } finally {
    await db.$executeRawUnsafe(`ALTER TABLE "${table}_gone" RENAME TO "${table}"`);
  }
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1, served at /api/openapi.json", async () => {
    const result = await new Validator().validate(
      JSON.parse(JSON.stringify(document)) as Parameters<Validator["validate"]>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(document.openapi).toBe("3.1.0");

    const served = await openApiRoute();
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("application/json");
    expect(await served.json()).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it("describes every endpoint of the contract, with its security", () => {
    expect([...operations.keys()].sort()).toEqual([
      "getInvoice",
      "getInvoicePdf",
      "health",
      "pdfByToken",
      "placeCheckout",
      "receivePaymentEvent",
      "registerByToken",
      "summaryByToken",
    ]);
    expect(Object.keys(document.components?.securitySchemes ?? {}).sort()).toEqual([
      "basketToken",
      "invoiceToken",
      "invoiceTokenQuery",
      "sessionCookie",
    ]);
  });

  it("gives examples that fit their own schemas, one per error code", () => {
    for (const [operationId, { operation }] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [mediaType, content] of Object.entries(response.content ?? {})) {
          for (const [name, example] of Object.entries(content.examples ?? {})) {
            const validate = validatorFor(operationId, status, mediaType);
            expect(
              validate(example.value),
              `${operationId} ${status} example ${name}: ${JSON.stringify(validate.errors)}`,
            ).toBe(true);
            if (mediaType === "application/problem+json")
              expect((example.value as { status: number }).status, `${operationId} ${status} ${name}`).toBe(
                Number(status),
              );
          }
        }
      }
    }
  });
});

describe("the real answers conform to the document", () => {
  it("registerByToken", async () => {
    const paid = await createCheckout();
    await conforms(
      "registerByToken",
      await register(paid.invoiceId, paid.token, { headers: { "Idempotency-Key": "conformance-key-1" } }),
    );
    await conforms(
      "registerByToken",
      await register(paid.invoiceId, paid.token, { headers: { "Idempotency-Key": "x" } }),
    );
    await conforms("registerByToken", await register(paid.invoiceId, paid.token));
    await conforms("registerByToken", await register(paid.invoiceId + 1_000_000, paid.token));
    const declined = await createCheckout({ declined: true });
    await conforms("registerByToken", await register(declined.invoiceId, declined.token));
    const unpaid = await createCheckout({ unpaid: true });
    await conforms("registerByToken", await register(unpaid.invoiceId, unpaid.token));
    await conforms(
      "registerByToken",
      await register(unpaid.invoiceId, unpaid.token, { body: JSON.stringify({ padding: "x".repeat(70 * 1024) }) }),
    );

    // Guessing invoice ids with one basket token: each refusal costs the token's budget more.
    const guessed = await createCheckout();
    let response = await register(guessed.invoiceId + 1_000_000, guessed.token);
    for (let attempt = 0; attempt < 100 && response.status !== 429; attempt++)
      response = await register(guessed.invoiceId + 1_000_000, guessed.token);
    await conforms("registerByToken", response);

    await conforms("registerByToken", await getRegisterByToken());

    const faulty = await createCheckout();
    const removeFault = await injectOutboxFault(db);
    try {
      await conforms("registerByToken", await register(faulty.invoiceId, faulty.token));
    } finally {
      await removeFault();
    }
  });

  it("pdfByToken and summaryByToken", async () => {
    const registered = await createRegisteredCheckout();
    const other = await createRegisteredCheckout();
    for (const route of ["pdfByToken", "summaryByToken"] as const) {
      await conforms(
        route,
        await callTokenRoute(route, { invoiceId: registered.invoiceId, token: registered.invoiceToken }),
      );
      await conforms(
        route,
        await callTokenRoute(route, {
          invoiceId: registered.invoiceId,
          authorization: `Bearer ${registered.invoiceToken}`,
        }),
      );
      await conforms(route, await callTokenRoute(route, { invoiceId: registered.invoiceId, token: "not-a-token" }));
      await conforms(
        route,
        await callTokenRoute(route, { invoiceId: other.invoiceId, token: registered.invoiceToken }),
      );
      await conforms(
        route,
        await withTableGone("InvoiceLine", () =>
          callTokenRoute(route, { invoiceId: registered.invoiceId, token: registered.invoiceToken }),
        ),
      );
    }
    await conforms("pdfByToken", await postPdfByToken());
    await conforms("summaryByToken", await postSummaryByToken());
  });

  it.each([
    { operationId: "getInvoice", suffix: "", get: getInvoice, post: postInvoice },
    { operationId: "getInvoicePdf", suffix: "/pdf", get: getInvoicePdf, post: postInvoicePdf },
  ])("$operationId", async ({ operationId, suffix, get, post }) => {
    const registered = await createRegisteredCheckout();
    const read = (invoiceId: number, cookie?: string) =>
      get(
        new Request(`http://localhost/api/public/billing/invoices/${invoiceId}${suffix}`, {
          headers: cookie ? { cookie } : {},
        }),
        params(invoiceId),
      );
    const cookie = await sessionCookie({ role: "customer", email: registered.email });
    await conforms(operationId, await read(registered.invoiceId, cookie));
    await conforms(operationId, await read(registered.invoiceId));
    await conforms(operationId, await read((await createRegisteredCheckout()).invoiceId, cookie));
    await conforms(operationId, await withTableGone("InvoiceLine", () => read(registered.invoiceId, cookie)));
    await conforms(operationId, await post());
  });

  it("placeCheckout", async () => {
    await conforms("placeCheckout", await checkout(await order()));
    await conforms("placeCheckout", await checkout({ ...(await order()), lines: [] }));
    await conforms("placeCheckout", await checkout(await order("4000 0000 0000 0002")));
    const paid = await order();
    const first = await checkout(paid);
    const { invoiceId, basketSession } = Object.fromEntries(
      new URL(((await first.json()) as { completionUrl: string }).completionUrl, "http://localhost").searchParams,
    );
    expect((await register(invoiceId!, basketSession!)).status).toBe(200);
    await conforms("placeCheckout", await checkout(paid));
    await conforms("placeCheckout", await checkout({ ...(await order()), padding: "x".repeat(70 * 1024) }));
    await conforms(
      "placeCheckout",
      await placeCheckout(
        new Request("http://localhost/api/checkout", {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://evil.example" },
          body: JSON.stringify(await order()),
        }),
      ),
    );

    const ip = randomIp();
    let response = await checkout(await order(), ip);
    for (let attempt = 0; attempt < 50 && response.status !== 429; attempt++)
      response = await checkout(await order(), ip);
    await conforms("placeCheckout", response);

    await conforms("placeCheckout", await withTableGone("InvoiceLine", async () => checkout(await order())));
    await conforms("placeCheckout", await getCheckout());
  });

  it("receivePaymentEvent", async () => {
    const provider = (name: string) => ({ params: Promise.resolve({ provider: name }) });
    const placed = await checkout(await order("4000 0000 0000 3220"));
    const { invoiceId } = (await placed.json()) as { invoiceId: number };
    const { reference } = await db.payment.findFirstOrThrow({ where: { invoiceId }, select: { reference: true } });
    const event = () =>
      signedTestProviderEvent({ url: testProviderEventsUrl(), reference, outcome: "succeeded", sequence: 2 });
    await conforms("receivePaymentEvent", await postPaymentEvent(event(), provider("test")));
    await conforms(
      "receivePaymentEvent",
      await postPaymentEvent(new Request(event(), { headers: { "webhook-signature": "v1,AAAA" } }), provider("test")),
    );
    await conforms("receivePaymentEvent", await postPaymentEvent(event(), provider("nope")));
    await conforms(
      "receivePaymentEvent",
      await postPaymentEvent(
        new Request(testProviderEventsUrl(), { method: "POST", body: "x".repeat(70 * 1024) }),
        provider("test"),
      ),
    );
    await conforms(
      "receivePaymentEvent",
      await withTableGone("PaymentEvent", () => postPaymentEvent(event(), provider("test"))),
    );
    await conforms("receivePaymentEvent", await getPaymentEvent());
  });

  it("health", async () => {
    await conforms("health", await health());
    await conforms("health", await postHealth());
    const release = await blockWrites();
    try {
      // An instance answers from its last probe for up to a second.
      await new Promise((settle) => setTimeout(settle, PROBE_EVERY_MS + 50));
      await conforms("health", await health());
    } finally {
      await release();
    }
  });

  afterAll(() => {
    const documented = [...operations].flatMap(([operationId, { operation }]) =>
      Object.keys(operation.responses).map((status) => `${operationId} ${status}`),
    );
    expect([...seen].sort(), "documented answers that no case produced, or the other way round").toEqual(
      documented.sort(),
    );
  });
});
