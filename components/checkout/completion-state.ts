import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

/**
 * Every state of the checkout completion page (docs/contract.md §4.2). The view renders from this value alone, so the
 * guest's page and the staff preview show exactly the same thing.
 */
export type CompletionState =
  | { kind: "loading" }
  /** `pdfUrl` is null in the staff preview, which has no invoice to download. */
  | { kind: "success"; invoiceId: number; pdfUrl: string | null; summary: InvoiceSummary | null }
  | { kind: "used" }
  | { kind: "expired" }
  | { kind: "not_found" }
  /** `retryInSeconds` is null once the automatic retries are used up: the guest retries by hand. */
  | { kind: "pending"; retryInSeconds: number | null }
  /** The payment was declined: nothing to register; the guest pays again at checkout. */
  | { kind: "declined" }
  | { kind: "network_error" }
  | { kind: "rate_limited"; retryAfterSeconds: number }
  | { kind: "missing_parameters" };

export type CompletionKind = CompletionState["kind"];
