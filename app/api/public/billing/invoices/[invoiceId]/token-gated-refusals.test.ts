import { randomBytes } from "node:crypto";

import { decodeProtectedHeader, SignJWT, UnsecuredJWT } from "jose";
import { afterAll, describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/server/db";
import { mintInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { createRegisteredCheckout } from "@/test/factories";
import { callTokenRoute, type TokenRoute } from "@/test/invoice-token-client";

const routes: TokenRoute[] = ["pdfByToken", "summaryByToken"];
const secrets = process.env.INVOICE_TOKEN_SECRETS!;

async function expectProblem(response: Response, status: number, code: string): Promise<void> {
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = (await response.json()) as Record<string, unknown>;
  expect({ status: response.status, code: body.code }).toEqual({ status, code });
  expect(Object.keys(body).sort()).toEqual(["code", "detail", "status", "title", "type"]);
}

/** A token made by hand with this app's signing key, changing one thing. */
async function forge(
  invoiceId: number,
  change: { aud?: string; iss?: string; typ?: string; exp?: number; secret?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const { kid } = decodeProtectedHeader(await mintInvoiceToken({ invoiceId, customerId: 1 }));
  return new SignJWT({ cus: "AAAAAAAAAAAAAAAAAAAAAA", scope: "invoice:read invoice:pdf" })
    .setProtectedHeader({ alg: "HS256", typ: change.typ ?? "invoice-access+jwt", kid })
    .setIssuer(change.iss ?? "coworking-billing")
    .setAudience(change.aud ?? "invoice")
    .setSubject(String(invoiceId))
    .setIssuedAt(now - 7200)
    .setNotBefore(now - 7200)
    .setExpirationTime(change.exp ?? now + 600)
    .setJti("forged")
    .sign(new TextEncoder().encode(change.secret ?? secrets.split(",")[0]));
}

describe.each(routes)("GET /%s – refusals", (route) => {
  it(`GET /${route} – missing token → 401 invoice_token_invalid`, async () => {
    const checkout = await createRegisteredCheckout();
    await expectProblem(await callTokenRoute(route, { invoiceId: checkout.invoiceId }), 401, "invoice_token_invalid");
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, query: "token=" }),
      401,
      "invoice_token_invalid",
    );
  });

  it.each([
    ["garbage", "not-a-jwt"],
    ["three empty parts", ".."],
    ["a basket GUID", "3cf26827-7fa3-4cfa-a623-ed9181bd5a7b"],
    ["a huge string", "e".repeat(20_000)],
  ])(`GET /${route} – malformed token (%s) → 401 invoice_token_invalid`, async (_, token) => {
    const checkout = await createRegisteredCheckout();
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, token }),
      401,
      "invoice_token_invalid",
    );
  });

  it(`GET /${route} – tampered signature or payload → 401 invoice_token_invalid`, async () => {
    const checkout = await createRegisteredCheckout();
    const [header, payload, signature] = checkout.invoiceToken.split(".") as [string, string, string];
    const flipped = `${header}.${payload}.${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`;
    const otherInvoice = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), sub: "1" }),
    ).toString("base64url");
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, token: flipped }),
      401,
      "invoice_token_invalid",
    );
    await expectProblem(
      await callTokenRoute(route, { invoiceId: 1, token: `${header}.${otherInvoice}.${signature}` }),
      401,
      "invoice_token_invalid",
    );
  });

  it(`GET /${route} – alg: none → 401 invoice_token_invalid`, async () => {
    const checkout = await createRegisteredCheckout();
    const unsecured = new UnsecuredJWT({ cus: "AAAAAAAAAAAAAAAAAAAAAA", scope: "invoice:read invoice:pdf" })
      .setIssuer("coworking-billing")
      .setAudience("invoice")
      .setSubject(String(checkout.invoiceId))
      .setExpirationTime("1h")
      .encode();
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, token: unsecured }),
      401,
      "invoice_token_invalid",
    );
  });

  it(`GET /${route} – wrong audience, issuer, type or key → 401 invoice_token_invalid`, async () => {
    const checkout = await createRegisteredCheckout();
    for (const change of [
      { aud: "portal" },
      { iss: "elsewhere" },
      { typ: "JWT" },
      { secret: randomBytes(32).toString("base64url") },
    ]) {
      const token = await forge(checkout.invoiceId, change);
      await expectProblem(
        await callTokenRoute(route, { invoiceId: checkout.invoiceId, token }),
        401,
        "invoice_token_invalid",
      );
    }
  });

  it(`GET /${route} – expired token → 401 invoice_token_expired`, async () => {
    const checkout = await createRegisteredCheckout();
    const token = await forge(checkout.invoiceId, { exp: Math.floor(Date.now() / 1000) - 60 });
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, token }),
      401,
      "invoice_token_expired",
    );
  });

  it(`GET /${route} – token of another invoice → 404 invoice_not_found`, async () => {
    const mine = await createRegisteredCheckout();
    const theirs = await createRegisteredCheckout();
    await expectProblem(
      await callTokenRoute(route, { invoiceId: theirs.invoiceId, token: mine.invoiceToken }),
      404,
      "invoice_not_found",
    );
  });

  it.each(["abc", "0", "-1", "1.5", "99999999999999999999"])(
    `GET /${route} – invoice id %j with a valid token → 404`,
    async (invoiceId) => {
      const checkout = await createRegisteredCheckout();
      await expectProblem(
        await callTokenRoute(route, { invoiceId, token: checkout.invoiceToken }),
        404,
        "invoice_not_found",
      );
    },
  );

  it(`GET /${route} – a valid token for an invoice that does not exist → 404 invoice_not_found`, async () => {
    const token = await mintInvoiceToken({ invoiceId: 2_000_000_000, customerId: 1 });
    await expectProblem(await callTokenRoute(route, { invoiceId: 2_000_000_000, token }), 404, "invoice_not_found");
  });

  it(`GET /${route} – a token naming another customer of this invoice → 404 invoice_not_found`, async () => {
    const checkout = await createRegisteredCheckout();
    const invoice = await getDb().invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { customerId: true },
    });
    const token = await mintInvoiceToken({ invoiceId: checkout.invoiceId, customerId: invoice.customerId! + 1000 });
    await expectProblem(
      await callTokenRoute(route, { invoiceId: checkout.invoiceId, token }),
      404,
      "invoice_not_found",
    );
  });

  it(`GET /${route} – a bearer that is not a bearer → 401 invoice_token_invalid`, async () => {
    const checkout = await createRegisteredCheckout();
    for (const authorization of [`Basic ${checkout.invoiceToken}`, "Bearer", `Bearer ${checkout.invoiceToken} extra`]) {
      await expectProblem(
        await callTokenRoute(route, { invoiceId: checkout.invoiceId, authorization }),
        401,
        "invoice_token_invalid",
      );
    }
  });
});

describe("token-gated reads – key rotation", () => {
  afterAll(() => {
    process.env.INVOICE_TOKEN_SECRETS = secrets;
    vi.resetModules();
  });

  it("serves a token signed with a key that has since been rotated out of first place", async () => {
    const checkout = await createRegisteredCheckout();
    const invoice = await getDb().invoice.findUniqueOrThrow({
      where: { id: checkout.invoiceId },
      select: { customerId: true },
    });

    process.env.INVOICE_TOKEN_SECRETS = `${randomBytes(32).toString("base64url")},${secrets}`;
    vi.resetModules();
    const rotated = await import("@/test/invoice-token-client");
    const { mintInvoiceToken: mintWithNewKey } = await import("@/lib/server/tokens/invoice-token");

    for (const route of routes) {
      expect(
        (await rotated.callTokenRoute(route, { invoiceId: checkout.invoiceId, token: checkout.invoiceToken })).status,
      ).toBe(200);
    }
    const fresh = await mintWithNewKey({ invoiceId: checkout.invoiceId, customerId: invoice.customerId! });
    expect(decodeProtectedHeader(fresh).kid).not.toBe(decodeProtectedHeader(checkout.invoiceToken).kid);
    expect(
      (await rotated.callTokenRoute("summaryByToken", { invoiceId: checkout.invoiceId, token: fresh })).status,
    ).toBe(200);
  });
});
