import "server-only";

import type { Card } from "@/lib/validation/payment";

/**
 * What the checkout needs of a payment provider. `reference` is ours (one per payment attempt) and doubles
 * as the provider's idempotency key, so a retried charge never charges twice.
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
  /** Confirmed later (e.g. after 3-D Secure); the provider reports back through `onSettled`. */
  | { status: "pending" }
  | { status: "declined"; message: string };

export interface PaymentProvider {
  readonly name: string;
  charge(request: ChargeRequest, onSettled: (outcome: "succeeded" | "declined") => Promise<void>): Promise<ChargeResult>;
}
