import "server-only";

import { randomBytes } from "node:crypto";

import { getConfig } from "@/lib/config";
import { completeCheckoutPayment, declineCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import { paymentCardOf } from "@/lib/payment-method";
import { reconcileDeadline } from "@/lib/server/billing/deadlines";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { checkoutCompletionPath } from "@/lib/urls";

const HOUR_MS = 3_600_000;

export interface DemoCheckoutOptions {
  /** Default: the first business. */
  businessId?: number;
  email?: string;
  name?: string;
  /** Leave the payment pending. */
  unpaid?: boolean;
  /** The payment was declined. */
  declined?: boolean;
  /** Place (and pay) it so long ago that the registration window has closed. */
  expired?: boolean;
}

/**
 * What a demo checkout is, as its completion link answers: paid (the link registers the guest), unpaid (payment
 * pending), declined, or expired (paid so long ago that the link has expired, which the link says first).
 */
export type DemoCheckoutKind = "paid" | "unpaid" | "declined" | "expired";

export function demoCheckoutKindOf(options: DemoCheckoutOptions): DemoCheckoutKind {
  if (options.expired) return "expired";
  if (options.declined) return "declined";
  if (options.unpaid) return "unpaid";
  return "paid";
}

/**
 * A guest checkout of one day pass through the checkout's own domain code, for demos, support and tests
 * (`npm run demo:checkout` and the staff area's "create a demo checkout").
 */
export async function createDemoCheckout(options: DemoCheckoutOptions = {}): Promise<{
  invoiceId: number;
  basketSession: string;
  completionPath: string;
  kind: DemoCheckoutKind;
  /** An unpaid one's: when the server settles its payment with the provider, which never charged it (so it is declined). */
  settlesAt: Date | null;
}> {
  const db = getDb();
  const business = await db.business.findFirst({
    where: options.businessId === undefined ? {} : { id: options.businessId },
    orderBy: { id: "asc" },
    select: { id: true, products: { where: { active: true }, orderBy: { id: "asc" }, take: 1, select: { id: true } } },
  });
  const product = business?.products[0];
  if (!business || !product)
    throw new AppError("not_found", { detail: "There is no business with a product to sell yet." });

  const placedAt = options.expired ? new Date(Date.now() - (getConfig().basketTtlHours + 1) * HOUR_MS) : new Date();
  const payment = { provider: "test", reference: `pay_demo_${randomBytes(8).toString("hex")}` };
  const checkout = await createGuestCheckout({
    businessId: business.id,
    order: {
      guest: {
        fullName: options.name ?? "Demo Guest",
        email: options.email ?? `guest+${randomBytes(4).toString("hex")}@example.com`,
        billingLine1: "1 Demo Street",
        billingCity: "London",
        billingPostalCode: "E1 6AN",
        billingCountry: "GB",
      },
      lines: [{ productId: product.id, quantity: 1 }],
    },
    // Paid with the card a guest trying the test shop pays with (its receipt names "Visa •••• 4242").
    payment: { ...payment, card: paymentCardOf("4242 4242 4242 4242") },
    now: placedAt,
  });
  if (options.declined) await declineCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, actor: "system" });
  else if (!options.unpaid) await completeCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, now: placedAt });
  return {
    invoiceId: checkout.invoiceId,
    basketSession: checkout.basketToken,
    completionPath: checkoutCompletionPath(checkout.invoiceId, checkout.basketToken),
    kind: demoCheckoutKindOf(options),
    settlesAt: demoCheckoutKindOf(options) === "unpaid" ? reconcileDeadline(placedAt) : null,
  };
}
