import type { RememberedPurchase } from "./completion-state";

/**
 * What the completion page keeps in the browser:
 * - the invoice token per invoice, in localStorage until it expires (an hour by default), so a reload, another tab or
 *   a bookmark of `?invoiceId=N` in this browser shows the receipt again without registering again;
 * - what names the purchase (its invoice number and date, nothing about the guest) per invoice, in localStorage for
 *   30 days, so a used or expired link opened here later can say which purchase it was;
 * - the Idempotency-Key per basket, in sessionStorage (this tab only), so a retry after a lost response is
 *   recognised as the same request.
 * Every entry past its time is dropped whenever the page is opened.
 */

const PREFIX = "checkout:";
const tokenKey = (invoiceId: number) => `${PREFIX}invoice-token:${invoiceId}`;
const purchaseKey = (invoiceId: number) => `${PREFIX}purchase:${invoiceId}`;
const idempotencyKeyKey = (basketSession: string) => `${PREFIX}idempotency-key:${basketSession.toLowerCase()}`;

/** How long this browser remembers which purchase an invoice id was: well past any completion link's life. */
const PURCHASE_KEPT_MS = 30 * 24 * 60 * 60 * 1000;

function storage(kind: "localStorage" | "sessionStorage"): Storage | null {
  try {
    return window[kind];
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

/** Usable for at least another minute: the page's reads with it are done well within that. */
const tokenLasts = (token: string) => {
  const exp = expiryOf(token);
  return exp !== null && exp * 1000 >= Date.now() + 60_000;
};

function readPurchaseEntry(value: string | null): (RememberedPurchase & { storedAt: number }) | null {
  try {
    const entry = JSON.parse(value ?? "null") as (RememberedPurchase & { storedAt: number }) | null;
    if (
      typeof entry?.invoiceNumber !== "string" ||
      typeof entry.paidAt !== "string" ||
      typeof entry.timeZone !== "string" ||
      typeof entry.locale !== "string" ||
      typeof entry.storedAt !== "number"
    )
      return null;
    return entry.storedAt + PURCHASE_KEPT_MS > Date.now() ? entry : null;
  } catch {
    return null;
  }
}

/** Drops the tokens that expired and the purchases remembered for longer than their time. */
export function forgetWhatExpired(): void {
  const store = storage("localStorage");
  if (!store) return;
  const keys = Array.from({ length: store.length }, (_, index) => store.key(index) ?? "");
  for (const key of keys) {
    const value = store.getItem(key);
    if (key.startsWith(`${PREFIX}invoice-token:`) && !(value && tokenLasts(value))) store.removeItem(key);
    if (key.startsWith(`${PREFIX}purchase:`) && !readPurchaseEntry(value)) store.removeItem(key);
  }
}

/** A stored token for this invoice that is still valid for at least a minute. */
export function readInvoiceToken(invoiceId: number): string | null {
  const store = storage("localStorage");
  const token = store?.getItem(tokenKey(invoiceId)) ?? null;
  if (!token) return null;
  if (!tokenLasts(token)) {
    store?.removeItem(tokenKey(invoiceId));
    return null;
  }
  return token;
}

export function storeInvoiceToken(invoiceId: number, token: string): void {
  try {
    storage("localStorage")?.setItem(tokenKey(invoiceId), token);
  } catch {
    // storage full or refused: the receipt still shows, only not again after a reload
  }
}

/** What this browser remembers of the purchase of this invoice, if it showed its receipt in the last 30 days. */
export function readPurchase(invoiceId: number): RememberedPurchase | null {
  const entry = readPurchaseEntry(storage("localStorage")?.getItem(purchaseKey(invoiceId)) ?? null);
  if (!entry) return null;
  const { invoiceNumber, paidAt, timeZone, locale } = entry;
  return { invoiceNumber, paidAt, timeZone, locale };
}

export function rememberPurchase(invoiceId: number, purchase: RememberedPurchase): void {
  try {
    storage("localStorage")?.setItem(purchaseKey(invoiceId), JSON.stringify({ ...purchase, storedAt: Date.now() }));
  } catch {
    // storage full or refused: a later visit just cannot name the purchase
  }
}

/** The Idempotency-Key for this basket: created once, reused by every retry in this tab. */
export function idempotencyKeyFor(basketSession: string): string {
  const store = storage("sessionStorage");
  const existing = store?.getItem(idempotencyKeyKey(basketSession));
  if (existing) return existing;
  const key = crypto.randomUUID();
  store?.setItem(idempotencyKeyKey(basketSession), key);
  return key;
}
