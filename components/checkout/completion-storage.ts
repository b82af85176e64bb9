/**
 * What the completion page keeps in sessionStorage (this tab only, gone when it closes): the invoice token
 * per invoice, so a reload does not register again, and the Idempotency-Key per basket, so a retry after a
 * lost response is recognised as the same request.
 */

const tokenKey = (invoiceId: number) => `checkout:invoice-token:${invoiceId}`;
const idempotencyKeyKey = (basketSession: string) => `checkout:idempotency-key:${basketSession.toLowerCase()}`;

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: the page still works, it just cannot survive a reload
  }
}

/** Seconds since the epoch at which a JWT expires, read without verifying it (the server verifies). */
function expiryOf(token: string): number | null {
  try {
    const payload = token.split(".")[1] ?? "";
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const { exp } = JSON.parse(json) as { exp?: unknown };
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

/** A stored token for this invoice that is still valid for at least a minute. */
export function readInvoiceToken(invoiceId: number): string | null {
  const token = storage()?.getItem(tokenKey(invoiceId)) ?? null;
  if (!token) return null;
  const exp = expiryOf(token);
  if (exp === null || exp * 1000 < Date.now() + 60_000) {
    storage()?.removeItem(tokenKey(invoiceId));
    return null;
  }
  return token;
}

export function storeInvoiceToken(invoiceId: number, token: string): void {
  storage()?.setItem(tokenKey(invoiceId), token);
}

/** The Idempotency-Key for this basket: created once, reused by every retry in this tab. */
export function idempotencyKeyFor(basketSession: string): string {
  const store = storage();
  const existing = store?.getItem(idempotencyKeyKey(basketSession));
  if (existing) return existing;
  const key = crypto.randomUUID();
  store?.setItem(idempotencyKeyKey(basketSession), key);
  return key;
}
