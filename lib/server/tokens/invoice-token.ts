import "server-only";

import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

import { decodeProtectedHeader, errors, jwtVerify, SignJWT } from "jose";

import { getConfig, type SigningKey } from "@/lib/config";
import { AppError } from "@/lib/server/errors";

/**
 * The invoice-scoped token of docs/contract.md §3.4: an HS256 JWT that opens one invoice and nothing else.
 * It carries ids only, never personal data.
 */
const INVOICE_TOKEN_TYPE = "invoice-access+jwt";
const INVOICE_TOKEN_AUDIENCE = "invoice";
const INVOICE_TOKEN_SCOPES = ["invoice:read", "invoice:pdf"] as const;
export type InvoiceTokenScope = (typeof INVOICE_TOKEN_SCOPES)[number];

const ALGORITHM = "HS256";
/** Small allowance for clocks of different instances. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface InvoiceTokenClaims {
  invoiceId: number;
  /** Whether the token was issued while the invoice was this customer's (its `cus` claim is opaque). */
  issuedFor(customerId: number): boolean;
  tokenId: string;
  expiresAt: Date;
}

/**
 * The `cus` claim: the customer the invoice was issued to, bound by an HMAC of the signing key, so the token stops
 * working if staff move the invoice to another customer, and reveals no customer id to whoever holds it.
 */
function customerBinding(key: SigningKey, invoiceId: number, customerId: number): string {
  return createHmac("sha256", key.secret)
    .update(`invoice-customer|${invoiceId}|${customerId}`)
    .digest("base64url")
    .slice(0, 22);
}

/** jose imports a raw secret on every call; an HMAC key imported once halves the cost of each sign and verify. */
const hmacKeys = new WeakMap<SigningKey, Promise<CryptoKey>>();

function hmacKeyOf(key: SigningKey): Promise<CryptoKey> {
  let imported = hmacKeys.get(key);
  if (!imported) {
    imported = crypto.subtle.importKey("raw", key.secret, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    hmacKeys.set(key, imported);
  }
  return imported;
}

export async function mintInvoiceToken(input: { invoiceId: number; customerId: number; now?: Date }): Promise<string> {
  const { invoiceToken } = getConfig();
  const [signingKey] = invoiceToken.keys;
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({
    cus: customerBinding(signingKey, input.invoiceId, input.customerId),
    scope: INVOICE_TOKEN_SCOPES.join(" "),
  })
    .setProtectedHeader({ alg: ALGORITHM, typ: INVOICE_TOKEN_TYPE, kid: signingKey.kid })
    .setIssuer(invoiceToken.issuer)
    .setAudience(INVOICE_TOKEN_AUDIENCE)
    .setSubject(String(input.invoiceId))
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + invoiceToken.ttlSeconds)
    .setJti(randomUUID())
    .sign(await hmacKeyOf(signingKey));
}

function findKey(token: string, keys: readonly SigningKey[]): SigningKey {
  let kid: unknown;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    throw new AppError("invoice_token_invalid");
  }
  const key = keys.find((candidate) => candidate.kid === kid);
  if (!key) throw new AppError("invoice_token_invalid");
  return key;
}

/**
 * Verifies a token for the invoice named by the request path. Pins the algorithm, `typ`, `iss` and `aud`.
 * Throws invoice_token_invalid / invoice_token_expired (401), or invoice_not_found (404) when the token is
 * valid but for another invoice.
 */
export async function verifyInvoiceToken(input: {
  token: string | null | undefined;
  invoiceId: number | null;
  scope: InvoiceTokenScope;
}): Promise<InvoiceTokenClaims> {
  const { invoiceToken } = getConfig();
  if (!input.token) throw new AppError("invoice_token_invalid");
  const key = findKey(input.token, invoiceToken.keys);

  let payload;
  try {
    ({ payload } = await jwtVerify(input.token, await hmacKeyOf(key), {
      algorithms: [ALGORITHM],
      typ: INVOICE_TOKEN_TYPE,
      issuer: invoiceToken.issuer,
      audience: INVOICE_TOKEN_AUDIENCE,
      requiredClaims: ["sub", "exp", "iat", "nbf", "jti"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new AppError("invoice_token_expired");
    if (error instanceof errors.JOSEError) throw new AppError("invoice_token_invalid");
    throw error;
  }

  const scopes = typeof payload.scope === "string" ? payload.scope.split(" ") : [];
  const binding = payload.cus;
  if (!scopes.includes(input.scope) || typeof binding !== "string" || !/^[1-9][0-9]*$/.test(payload.sub ?? "")) {
    throw new AppError("invoice_token_invalid");
  }
  if (input.invoiceId === null || payload.sub !== String(input.invoiceId)) throw new AppError("invoice_not_found");

  const invoiceId = input.invoiceId;
  return {
    invoiceId,
    issuedFor: (customerId) => {
      const expected = Buffer.from(customerBinding(key, invoiceId, customerId));
      const actual = Buffer.from(binding);
      return expected.length === actual.length && timingSafeEqual(expected, actual);
    },
    tokenId: String(payload.jti),
    expiresAt: new Date((payload.exp ?? 0) * 1000),
  };
}
