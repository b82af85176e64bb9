import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

/**
 * What the browser that showed a purchase's receipt keeps of it, to name the purchase when that page is opened
 * again without its token (completion-storage.ts): its invoice number and date, nothing about the guest.
 */
export interface RememberedPurchase {
  invoiceNumber: string;
  /** When it was paid (ISO 8601), shown in the business's time zone. */
  paidAt: string;
  timeZone: string;
  /** The business's locale: how the date is written to a guest who reads its language. */
  locale: string;
}

/**
 * Every state of the checkout completion page (docs/contract.md §4.2). The view renders from this value alone, so the
 * guest's page and the staff preview show exactly the same thing.
 */
export type CompletionState =
  | { kind: "loading" }
  /** `pdfUrl` is null in the staff preview, which has no invoice to download. */
  | { kind: "success"; invoiceId: number; pdfUrl: string | null; summary: InvoiceSummary | null }
  /** `purchase`: what this browser remembers of the link's purchase, if it showed its receipt before. */
  | { kind: "used"; purchase: RememberedPurchase | null }
  | { kind: "expired"; purchase: RememberedPurchase | null }
  /**
   * `?invoiceId=N` alone (the address the page leaves after success), opened where no token for it is kept: another
   * browser, or after the token expired. The receipt and how to sign in were e-mailed.
   */
  | { kind: "receipt_emailed"; purchase: RememberedPurchase | null }
  | { kind: "not_found" }
  /**
   * `retryInSeconds` is null once the automatic retries are used up: the guest retries by hand. `attempt` counts the
   * automatic retries, so each one's countdown starts afresh.
   */
  | { kind: "pending"; retryInSeconds: number | null; attempt?: number }
  /** The payment was declined: nothing to register; the guest pays again at checkout. */
  | { kind: "declined" }
  | { kind: "network_error" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "missing_parameters" };

export type CompletionKind = CompletionState["kind"];
