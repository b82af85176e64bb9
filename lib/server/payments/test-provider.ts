import "server-only";

import { Webhook } from "standardwebhooks";
import { z } from "zod";

import { getConfig } from "@/lib/config";
import { runOneWrite, runReadOnly, runTransaction } from "@/lib/server/db";
import {
  cancelPendingCharge,
  chargeOnce,
  claimDueChargeEvents,
  confirmDueCharges,
  findChargeStatus,
  markChargeEventDelivered,
} from "@/lib/server/db/test-provider-charges";
import { logger } from "@/lib/server/logger";
import {
  WebhookRefused,
  type ChargeStatus,
  type PaymentEvent,
  type PaymentProvider,
} from "@/lib/server/billing/payment-provider";

/**
 * The built-in test provider, the embedded default. Its cards:
 * - 4242 4242 4242 4242 succeeds at once;
 * - 4000 0000 0000 0002 is declined;
 * - 4000 0000 0000 3220 needs "authentication" and is confirmed a few seconds later, by a webhook event;
 * - any other valid number is declined with a hint to use a test card. Nothing is ever charged.
 *
 * It behaves as a real provider does, on its own side: its ledger of charges is a table of its own
 * ("TestProviderCharge", one row per reference, so a reference is charged once), and it owes the app a signed
 * webhook event (Standard Webhooks) for every charge confirmed later, sent by every instance's background loop
 * until the app accepts it. A restart of the app loses neither the charge nor the event.
 */
const SUCCEEDS = "4242424242424242";
const DECLINED = "4000000000000002";
const SETTLES_LATER = "4000000000003220";
export const TEST_PROVIDER_SETTLE_DELAY_MS = 4000;
export const TEST_PROVIDER_NAME = "test";

const DECLINE_MESSAGES = {
  declined: "Your card was declined. No money was taken. Try another card.",
  notATestCard: "This is a test shop: pay with the test card 4242 4242 4242 4242. No money was taken.",
};

/** How long a claimed event waits before another instance may send it again. */
const EVENT_LEASE_MS = 30_000;
const EVENT_BATCH = 20;
const EVENT_TIMEOUT_MS = 10_000;

function outcomeOf(status: string): "succeeded" | "declined" {
  return status === "succeeded" ? "succeeded" : "declined";
}

const EventBodySchema = z.object({
  type: z.enum(["charge.succeeded", "charge.declined"]),
  data: z.object({ reference: z.string().min(1).max(100), sequence: z.number().int().positive() }),
});

function webhook(): Webhook {
  return new Webhook(getConfig().payments.webhookSecret);
}

export const testPaymentProvider: PaymentProvider = {
  name: TEST_PROVIDER_NAME,

  async charge(request) {
    const now = new Date();
    const decided =
      request.card.number === SUCCEEDS
        ? "succeeded"
        : request.card.number === SETTLES_LATER
          ? "pending"
          : ("declined" as const);
    const settleAt = decided === "pending" ? new Date(now.getTime() + TEST_PROVIDER_SETTLE_DELAY_MS) : null;
    // Charged once per reference: a repeated request answers what the first one did (or what a cancel left).
    const charged = await runOneWrite(() =>
      chargeOnce({
        reference: request.reference,
        amountMinor: request.amountMinor,
        currency: request.currency,
        status: decided,
        settleAt,
        now,
      }),
    );
    const status = charged ?? decided;
    if (status === "succeeded" && getConfig().payments.faultInjection === "exit-after-charge") {
      // The fault the reconciler exists for: the provider charged, and the app dies before recording it.
      logger.error("FAULT_INJECTION: killing the process after the provider charged", { reference: request.reference });
      process.kill(process.pid, "SIGKILL");
    }
    if (status === "succeeded") return { status: "succeeded" };
    if (status === "pending") return { status: "pending", confirmsInMs: TEST_PROVIDER_SETTLE_DELAY_MS };
    return {
      status: "declined",
      message:
        request.card.number === DECLINED || status === "canceled"
          ? DECLINE_MESSAGES.declined
          : DECLINE_MESSAGES.notATestCard,
    };
  },

  async retrieve(reference): Promise<ChargeStatus> {
    const now = new Date();
    // A charge still to be confirmed whose time has come is confirmed: the provider's own clock, applied when read.
    const status = await runTransaction(function* () {
      yield* confirmDueCharges(now, reference);
      return yield* findChargeStatus(reference);
    });
    if (status === undefined) return "unknown";
    return status === "pending" ? "pending" : outcomeOf(status);
  },

  async cancel(reference) {
    const now = new Date();
    const canceled = await runTransaction(function* () {
      yield* confirmDueCharges(now, reference);
      // A charge still to be confirmed is canceled; a reference never charged is barred (a later charge with it is
      // declined), so a request still on its way cannot succeed after the app gave up on it.
      return yield* cancelPendingCharge(reference, now);
    });
    if (canceled !== undefined) return outcomeOf(canceled);
    const settled = await runReadOnly(() => findChargeStatus(reference));
    return outcomeOf(settled ?? "canceled");
  },

  verifyEvent(body, headers): PaymentEvent {
    const signed = {
      "webhook-id": headers.get("webhook-id") ?? "",
      "webhook-timestamp": headers.get("webhook-timestamp") ?? "",
      "webhook-signature": headers.get("webhook-signature") ?? "",
    };
    let payload: unknown;
    try {
      payload = webhook().verify(body, signed);
    } catch (error) {
      throw new WebhookRefused(error instanceof Error ? error.message : "unverifiable event");
    }
    const event = EventBodySchema.safeParse(payload);
    if (!event.success) throw new WebhookRefused("not an event of this provider");
    return {
      id: signed["webhook-id"],
      outcome: event.data.type === "charge.succeeded" ? "succeeded" : "declined",
      reference: event.data.data.reference,
      sequence: event.data.data.sequence,
    };
  },

  async runBackgroundWork(now) {
    await sendTestProviderEvents({ now });
  },
};

/** A signed webhook request of the test provider, as it sends it (and as tests forge or replay it). */
export function signedTestProviderEvent(input: {
  url: string;
  reference: string;
  outcome: "succeeded" | "declined";
  sequence: number;
  id?: string;
  timestamp?: Date;
}): Request {
  const body = JSON.stringify({
    type: `charge.${input.outcome}`,
    data: { reference: input.reference, sequence: input.sequence },
  });
  const id = input.id ?? `evt_${input.reference}_${input.sequence}`;
  const timestamp = input.timestamp ?? new Date();
  return new Request(input.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "webhook-signature": webhook().sign(id, timestamp, body),
    },
    body,
  });
}

export function testProviderEventsUrl(): string {
  return new URL(`/api/payments/${TEST_PROVIDER_NAME}/events`, getConfig().appUrl).href;
}

/**
 * The provider's side of the webhooks: confirms the charges whose time has come, then sends each event owed (claimed
 * with a lease, so two instances seldom send one together; the app applies an event once whatever happens). An
 * event the app did not accept is sent again when its lease runs out.
 */
export async function sendTestProviderEvents(
  options: { now?: Date; deliver?: (request: Request) => Promise<Response> } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const deliver =
    options.deliver ?? ((request: Request) => fetch(request, { signal: AbortSignal.timeout(EVENT_TIMEOUT_MS) }));
  const claimed = await runTransaction(function* () {
    yield* confirmDueCharges(now);
    return yield* claimDueChargeEvents(now, new Date(now.getTime() + EVENT_LEASE_MS), EVENT_BATCH);
  });
  let sent = 0;
  for (const charge of claimed) {
    if (charge.status !== "succeeded" && charge.status !== "declined") continue;
    const request = signedTestProviderEvent({
      url: testProviderEventsUrl(),
      reference: charge.reference,
      outcome: charge.status,
      sequence: charge.sequence,
    });
    try {
      const response = await deliver(request);
      await response.body?.cancel();
      if (!response.ok) throw new Error(`the app answered ${response.status}`);
      // Owed no more, unless the charge changed since this event was claimed.
      await runOneWrite(() => markChargeEventDelivered(charge.reference, charge.sequence));
      sent++;
    } catch (error) {
      logger.warn("test provider: webhook event not delivered; sent again later", {
        reference: charge.reference,
        error,
      });
    }
  }
  return sent;
}
