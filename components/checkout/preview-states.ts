import { SAMPLE_INVOICE_SUMMARY } from "@/lib/validation/invoice-summary";

import type { CompletionKind, CompletionState, RememberedPurchase } from "./completion-state";

/** The sample receipt's purchase, as the browser that showed it remembers it (a used link names it). */
const SAMPLE_PURCHASE: RememberedPurchase = {
  invoiceNumber: SAMPLE_INVOICE_SUMMARY.invoiceNumber,
  paidAt: SAMPLE_INVOICE_SUMMARY.paidAt ?? SAMPLE_INVOICE_SUMMARY.issuedAt,
  timeZone: SAMPLE_INVOICE_SUMMARY.timeZone,
  locale: SAMPLE_INVOICE_SUMMARY.locale,
};

export const PREVIEW_STATES: { kind: CompletionKind; label: string; state: CompletionState }[] = [
  {
    kind: "success",
    label: "Success",
    state: { kind: "success", invoiceId: 123, pdfUrl: null, summary: SAMPLE_INVOICE_SUMMARY },
  },
  { kind: "used", label: "Already used", state: { kind: "used", purchase: SAMPLE_PURCHASE } },
  { kind: "expired", label: "Expired", state: { kind: "expired", purchase: null } },
  {
    kind: "receipt_emailed",
    label: "Opened in another browser",
    state: { kind: "receipt_emailed", purchase: null },
  },
  { kind: "not_found", label: "Not found", state: { kind: "not_found" } },
  { kind: "pending", label: "Payment pending", state: { kind: "pending", retryInSeconds: 4 } },
  { kind: "declined", label: "Payment declined", state: { kind: "declined" } },
  { kind: "network_error", label: "Network error", state: { kind: "network_error" } },
  { kind: "rate_limited", label: "Rate limited", state: { kind: "rate_limited", retryAfterSeconds: 30 } },
  { kind: "missing_parameters", label: "Missing parameters", state: { kind: "missing_parameters" } },
  { kind: "loading", label: "Loading", state: { kind: "loading" } },
];
