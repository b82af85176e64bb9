import { AppError } from "@/lib/server/errors";
import { handleRoute, jsonResponse, methodNotAllowed, readBodyText } from "@/lib/server/http";
import { applyPaymentEvent } from "@/lib/server/payments/apply-payment-event";
import { WebhookRefused } from "@/lib/server/billing/payment-provider";
import { paymentProviderNamed } from "@/lib/server/payments/registry";
import type { PaymentEventReceipt } from "@/lib/validation/payment";

export const dynamic = "force-dynamic";

/**
 * A payment provider's webhook (docs/contract.md §3.7): the event is verified by the provider's own scheme (the
 * test provider: Standard Webhooks, HMAC-SHA256 over id, timestamp and body, five minutes' tolerance) before anything
 * is read from it, then applied once. 200 whenever the event is verified, applied or not, so the provider stops
 * sending it; 400 `webhook_signature_invalid` otherwise.
 */
export async function POST(request: Request, context: { params: Promise<{ provider: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const { provider: name } = await context.params;
    const provider = paymentProviderNamed(name);
    if (!provider) throw new AppError("not_found");
    const body = await readBodyText(request);
    let event;
    try {
      event = provider.verifyEvent(body, request.headers);
    } catch (error) {
      if (error instanceof WebhookRefused) throw new AppError("webhook_signature_invalid");
      throw error;
    }
    const applied = await applyPaymentEvent(provider.name, event);
    return jsonResponse({ received: true, applied } satisfies PaymentEventReceipt);
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
