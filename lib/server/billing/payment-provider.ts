import "server-only";

import type { Card } from "@/lib/validation/payment";

/**
 * What the checkout needs of a payment provider (docs/contract.md §3.7). `reference` is ours (one per payment attempt)
 * and is the provider's idempotency key: a charge is made once per reference, however often it is asked for.
 */
export interface ChargeRequest {
  reference: string;
  amountMinor: number;
  currency: string;
  card: Card;
  description: string;
}

export type ChargeResult =
  | { status: "succeeded" }
  /** Confirmed later (e.g. after 3-D Secure): the provider reports it by a webhook event; `confirmsInMs` is its hint of when. */
  | { status: "pending"; confirmsInMs?: number }
  | { status: "declined"; message: string };

/** What the provider knows of a charge: settled, still to be confirmed, or never made ("unknown"). */
export type ChargeStatus = "succeeded" | "declined" | "pending" | "unknown";

/** A verified webhook event: the charge `reference` settled. `sequence` orders the events of one charge. */
export interface PaymentEvent {
  id: string;
  outcome: "succeeded" | "declined";
  reference: string;
  sequence: number;
}

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Asks the provider about a charge (the reconciler's question). */
  retrieve(reference: string): Promise<ChargeStatus>;
  /**
   * Settles a charge for good: one still to be confirmed is canceled, and a reference the provider never charged is
   * barred, so neither can succeed later. Answers the final outcome (a charge settled meanwhile keeps its own).
   */
  cancel(reference: string): Promise<"succeeded" | "declined">;
  /** Verifies a webhook delivery (signature, timestamp, body) and reads its event; throws `WebhookRefused` otherwise. */
  verifyEvent(body: string, headers: Headers): PaymentEvent;
  /** Work the provider does on its own side, run by every instance's background loop (the test provider's events). */
  runBackgroundWork?(now: Date): Promise<void>;
}

/** A webhook delivery that could not be verified: a bad signature, an old timestamp, a body that is not an event. */
export class WebhookRefused extends Error {
  override name = "WebhookRefused";
}
