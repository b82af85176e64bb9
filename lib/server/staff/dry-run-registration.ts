import "server-only";

import { recordAuditEvent } from "@/lib/server/db/audit-events";
import { evaluateRegistration } from "@/lib/server/billing/evaluate-registration";
import { getDb, runReadOnly } from "@/lib/server/db";
import { errorStatus } from "@/lib/server/errors";
import { normalizeEmail } from "@/lib/validation/guest";
import type { DryRunResponse } from "@/lib/validation/staff";

/**
 * The staff dry run of registerByToken (docs/contract.md §4.3): the real endpoint's checks (the same function), reported
 * instead of acted on. Nothing is consumed, no token is minted; the only write is the audit event of the
 * preview. A basket of another business reads as unknown, as it would to a guest.
 */
export async function dryRunRegistration(input: {
  staffUserId: number;
  businessId: number;
  invoiceId: string;
  basketSession: string;
  clientIp: string;
  now?: Date;
}): Promise<DryRunResponse> {
  const db = getDb();
  const request = { token: input.basketSession, invoiceId: input.invoiceId, idempotencyKey: null };
  const decision = await runReadOnly(() => evaluateRegistration(request, input.now ?? new Date()));
  const ofOtherBusiness = decision.basket !== null && decision.basket.businessId !== input.businessId;

  let outcome: DryRunResponse;
  if (ofOtherBusiness) {
    outcome = { kind: "refused", code: "basket_token_invalid", status: 401 };
  } else if (decision.kind === "refuse") {
    outcome = { kind: "refused", code: decision.code, status: errorStatus[decision.code] };
  } else if (decision.kind === "redeem") {
    outcome = {
      kind: "would_hand_out_token",
      customerId: decision.invoice.customerId,
      registeredAt: (decision.basket.consumedAt ?? new Date()).toISOString(),
    };
  } else {
    // Without an Idempotency-Key there is no replay: "register" is the only other decision.
    const [existing, basket] = await Promise.all([
      db.customer.findUnique({
        where: {
          businessId_email: {
            businessId: decision.basket.businessId,
            email: normalizeEmail(decision.basket.guestEmail),
          },
        },
        select: { id: true, fullName: true },
      }),
      db.basketSession.findUnique({ where: { id: decision.basket.id }, select: { fulfilAt: true } }),
    ]);
    const serverRegistersAt = basket?.fulfilAt?.toISOString() ?? null;
    outcome = existing
      ? { kind: "would_link_customer", customerId: existing.id, customerName: existing.fullName, serverRegistersAt }
      : { kind: "would_create_customer", serverRegistersAt };
  }

  await recordAuditEvent({
    type: "registration.previewed",
    actor: `staff:${input.staffUserId}`,
    reason: outcome.kind === "refused" ? outcome.code : undefined,
    basketSessionId: ofOtherBusiness ? undefined : decision.basket?.id,
    invoiceId: ofOtherBusiness ? undefined : decision.basket?.invoice?.id,
    clientIp: input.clientIp,
    detail: { outcome: outcome.kind },
  });
  return outcome;
}
