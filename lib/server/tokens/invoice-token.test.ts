import { randomBytes } from "node:crypto";

import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from "jose";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { InvoiceTokenScope } from "@/lib/server/tokens/invoice-token";

type TokenModule = typeof import("@/lib/server/tokens/invoice-token");

const originalSecrets = process.env.INVOICE_TOKEN_SECRETS;

/** The token module under a given key configuration (modules read the configuration once). */
async function withSecrets(...secrets: string[]): Promise<TokenModule> {
  process.env.INVOICE_TOKEN_SECRETS = secrets.join(",");
  vi.resetModules();
  return import("@/lib/server/tokens/invoice-token");
}

function newSecret(): string {
  return randomBytes(32).toString("base64url");
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: "AppError", code });
}

afterEach(() => {
  process.env.INVOICE_TOKEN_SECRETS = originalSecrets;
});

/** A token signed with the right key but with one thing changed, as a forger with the key could try. */
async function forge(
  secret: string,
  kid: string,
  change: { typ?: string; aud?: string; iss?: string; exp?: number; sub?: string; scope?: string },
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ cus: "AAAAAAAAAAAAAAAAAAAAAA", scope: change.scope ?? "invoice:read invoice:pdf" })
    .setProtectedHeader({ alg: "HS256", typ: change.typ ?? "invoice-access+jwt", kid })
    .setIssuer(change.iss ?? "coworking-billing")
    .setAudience(change.aud ?? "invoice")
    .setSubject(change.sub ?? "42")
    .setIssuedAt(now - 10)
    .setNotBefore(now - 10)
    .setExpirationTime(change.exp ?? now + 600)
    .setJti("test")
    .sign(new TextEncoder().encode(secret));
}

describe("invoice-scoped token", () => {
  it("binds the customer without naming it: the claims verify for the customer it was issued to, and no other", async () => {
    const tokens = await withSecrets(newSecret());
    const token = await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 });
    const claims = await tokens.verifyInvoiceToken({ token, invoiceId: 42, scope: "invoice:pdf" });
    expect([claims.issuedFor(7), claims.issuedFor(8), claims.issuedFor(70)]).toEqual([true, false, false]);
    expect(JSON.stringify(decodeJwt(token))).not.toMatch(/"cid"|:7[,}]/);
  });

  it("carries the claims of docs/contract.md §3.4 and no personal data", async () => {
    const tokens = await withSecrets(newSecret());
    const token = await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 });

    expect(decodeProtectedHeader(token)).toEqual({
      alg: "HS256",
      typ: "invoice-access+jwt",
      kid: expect.stringMatching(/^[\w-]{12}$/),
    });
    const payload = decodeJwt(token);
    expect(payload).toEqual({
      iss: "coworking-billing",
      aud: "invoice",
      sub: "42",
      // The customer, bound but not named: an opaque HMAC, never the id.
      cus: expect.stringMatching(/^[\w-]{22}$/),
      scope: "invoice:read invoice:pdf",
      iat: expect.any(Number),
      nbf: payload.iat,
      exp: (payload.iat ?? 0) + 3600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    for (const scope of ["invoice:read", "invoice:pdf"] satisfies InvoiceTokenScope[]) {
      await expect(tokens.verifyInvoiceToken({ token, invoiceId: 42, scope })).resolves.toMatchObject({
        invoiceId: 42,
      });
    }
  });

  it("gives each token its own id", async () => {
    const tokens = await withSecrets(newSecret());
    const [a, b] = await Promise.all([1, 2].map(() => tokens.mintInvoiceToken({ invoiceId: 1, customerId: 1 })));
    expect(decodeJwt(a!).jti).not.toBe(decodeJwt(b!).jti);
  });

  it("rejects a missing or malformed token", async () => {
    const tokens = await withSecrets(newSecret());
    for (const token of [null, undefined, "", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "x".repeat(5000)]) {
      await expectCode(
        tokens.verifyInvoiceToken({ token, invoiceId: 42, scope: "invoice:pdf" }),
        "invoice_token_invalid",
      );
    }
  });

  it("rejects alg: none", async () => {
    const secret = newSecret();
    const tokens = await withSecrets(secret);
    const real = await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 });
    const { kid } = decodeProtectedHeader(real);
    const unsecured = new UnsecuredJWT({ cid: 7, scope: "invoice:read invoice:pdf" })
      .setIssuer("coworking-billing")
      .setAudience("invoice")
      .setSubject("42")
      .setIssuedAt()
      .setExpirationTime("1h")
      .encode();
    // With the real key id in the header, as an attacker copying a real header would send it.
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "invoice-access+jwt", kid })).toString("base64url");
    const withKid = `${header}.${unsecured.split(".")[1]}.`;
    for (const token of [unsecured, withKid]) {
      await expectCode(
        tokens.verifyInvoiceToken({ token, invoiceId: 42, scope: "invoice:pdf" }),
        "invoice_token_invalid",
      );
    }
  });

  it("rejects a tampered payload or signature", async () => {
    const tokens = await withSecrets(newSecret());
    const token = await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 });
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const otherCustomer = Buffer.from(JSON.stringify({ ...decodeJwt(token), cus: "BBBBBBBBBBBBBBBBBBBBBB" })).toString(
      "base64url",
    );
    const flipped = (signature[0] === "A" ? "B" : "A") + signature.slice(1);
    for (const tampered of [
      `${header}.${otherCustomer}.${signature}`,
      `${header}.${payload}.${flipped}`,
      `${header}.${payload}.`,
    ]) {
      await expectCode(
        tokens.verifyInvoiceToken({ token: tampered, invoiceId: 42, scope: "invoice:pdf" }),
        "invoice_token_invalid",
      );
    }
  });

  it("rejects a wrong audience, issuer, type or scope, even when signed with the right key", async () => {
    const secret = newSecret();
    const tokens = await withSecrets(secret);
    const { kid } = decodeProtectedHeader(await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 }));
    for (const change of [
      { aud: "portal" },
      { iss: "someone-else" },
      { typ: "JWT" },
      { scope: "invoice:read" },
      { sub: "not-a-number" },
    ]) {
      const token = await forge(secret, String(kid), change);
      await expectCode(
        tokens.verifyInvoiceToken({ token, invoiceId: 42, scope: "invoice:pdf" }),
        "invoice_token_invalid",
      );
    }
  });

  it("answers an expired token with invoice_token_expired", async () => {
    const secret = newSecret();
    const tokens = await withSecrets(secret);
    const { kid } = decodeProtectedHeader(await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 }));
    const expired = await forge(secret, String(kid), { exp: Math.floor(Date.now() / 1000) - 60 });
    await expectCode(
      tokens.verifyInvoiceToken({ token: expired, invoiceId: 42, scope: "invoice:pdf" }),
      "invoice_token_expired",
    );

    const minted = await tokens.mintInvoiceToken({
      invoiceId: 42,
      customerId: 7,
      now: new Date(Date.now() - 2 * 3_600_000),
    });
    await expectCode(
      tokens.verifyInvoiceToken({ token: minted, invoiceId: 42, scope: "invoice:pdf" }),
      "invoice_token_expired",
    );
  });

  it("answers a valid token for another invoice with invoice_not_found", async () => {
    const tokens = await withSecrets(newSecret());
    const token = await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 });
    await expectCode(tokens.verifyInvoiceToken({ token, invoiceId: 43, scope: "invoice:pdf" }), "invoice_not_found");
    await expectCode(tokens.verifyInvoiceToken({ token, invoiceId: null, scope: "invoice:pdf" }), "invoice_not_found");
  });

  it("accepts a token signed with an older key after rotation, and signs with the new one", async () => {
    const [oldSecret, newer] = [newSecret(), newSecret()];
    const before = await withSecrets(oldSecret);
    const inFlight = await before.mintInvoiceToken({ invoiceId: 42, customerId: 7 });

    const after = await withSecrets(newer, oldSecret);
    await expect(
      after.verifyInvoiceToken({ token: inFlight, invoiceId: 42, scope: "invoice:pdf" }),
    ).resolves.toMatchObject({ invoiceId: 42 });
    const fresh = await after.mintInvoiceToken({ invoiceId: 42, customerId: 7 });
    expect(decodeProtectedHeader(fresh).kid).not.toBe(decodeProtectedHeader(inFlight).kid);

    const retired = await withSecrets(newer);
    await expectCode(
      retired.verifyInvoiceToken({ token: inFlight, invoiceId: 42, scope: "invoice:pdf" }),
      "invoice_token_invalid",
    );
    await expect(
      retired.verifyInvoiceToken({ token: fresh, invoiceId: 42, scope: "invoice:pdf" }),
    ).resolves.toBeTruthy();
  });

  it("rejects a token signed by a key it does not know, even under a known key id", async () => {
    const tokens = await withSecrets(newSecret());
    const { kid } = decodeProtectedHeader(await tokens.mintInvoiceToken({ invoiceId: 42, customerId: 7 }));
    const forged = await forge(newSecret(), String(kid), {});
    await expectCode(
      tokens.verifyInvoiceToken({ token: forged, invoiceId: 42, scope: "invoice:pdf" }),
      "invoice_token_invalid",
    );
  });
});
