import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

import type { CompletionKind, CompletionState } from "./completion-state";

/** Sample data for the staff preview: what a guest would see in each state, with a made-up purchase. */
const sampleSummary: InvoiceSummary = {
  invoiceId: 123,
  invoiceNumber: "INV-2026-000123",
  issuedAt: "2026-11-21T09:30:00.000Z",
  paidAt: "2026-11-21T09:30:00.000Z",
  currency: "GBP",
  locale: "en-GB",
  timeZone: "Europe/London",
  businessName: "Hive & Desk Coworking",
  lines: [
    { description: "Day pass", quantity: 2, unitPriceMinor: 2500, taxRateBp: 2000, amountMinor: 5000 },
    { description: "Meeting room (1 hour)", quantity: 1, unitPriceMinor: 4000, taxRateBp: 2000, amountMinor: 4000 },
  ],
  subtotalMinor: 9000,
  taxMinor: 1800,
  totalMinor: 10800,
  customerEmailMasked: "j***@example.com",
};

export const PREVIEW_STATES: { kind: CompletionKind; label: string; state: CompletionState }[] = [
  { kind: "success", label: "Success", state: { kind: "success", invoiceId: 123, pdfUrl: null, summary: sampleSummary } },
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
