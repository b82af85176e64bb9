import { SAMPLE_INVOICE_SUMMARY } from "@/lib/validation/invoice-summary";

import type { CompletionKind, CompletionState } from "./completion-state";

export const PREVIEW_STATES: { kind: CompletionKind; label: string; state: CompletionState }[] = [
  {
    kind: "success",
    label: "Success",
    state: { kind: "success", invoiceId: 123, pdfUrl: null, summary: SAMPLE_INVOICE_SUMMARY },
  },
  { kind: "used", label: "Already used", state: { kind: "used" } },
  { kind: "expired", label: "Expired", state: { kind: "expired" } },
  { kind: "not_found", label: "Not found", state: { kind: "not_found" } },
  { kind: "pending", label: "Payment pending", state: { kind: "pending", retryInSeconds: 4 } },
  { kind: "declined", label: "Payment declined", state: { kind: "declined" } },
  { kind: "network_error", label: "Network error", state: { kind: "network_error" } },
  { kind: "rate_limited", label: "Rate limited", state: { kind: "rate_limited", retryAfterSeconds: 30 } },
  { kind: "missing_parameters", label: "Missing parameters", state: { kind: "missing_parameters" } },
  { kind: "loading", label: "Loading", state: { kind: "loading" } },
];
