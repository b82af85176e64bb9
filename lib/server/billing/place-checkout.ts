import "server-only";

import { randomBytes, randomUUID } from "node:crypto";

import { completeCheckoutPayment, declineCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import type { Locale } from "@/lib/i18n/locales";
import { paymentCardOf } from "@/lib/payment-method";
import { kickBackgroundWork } from "@/lib/server/background-kick";
import { getDb, isUniqueViolation, runOneWrite, runTransaction } from "@/lib/server/db";
import { addBasketTokenUnlessRedeemed, reopenDeclinedBasket, setBasketLocale } from "@/lib/server/db/checkouts";
import { addPayment, claimPendingPayment, markPaymentConfirming } from "@/lib/server/db/payments";
import { AppError } from "@/lib/server/errors";
import { sha256Hex } from "@/lib/server/hash";
import { logger } from "@/lib/server/logger";
import type { PaymentProvider } from "@/lib/server/billing/payment-provider";
import { reconcileDeadline } from "@/lib/server/billing/deadlines";
import { checkoutCompletionPath } from "@/lib/urls";
import { PlaceCheckoutSchema, type PlacedCheckoutResponse } from "@/lib/validation/checkout";

/**
 * The checkout page's submission (docs/contract.md §4.1): place the order once per `orderKey`, charge it once per
 * payment attempt, and answer with the completion page's address. A resubmission of the same order (a
 * double click, a retry after a lost response) finds the order and its payment instead of charging again;
 * after a decline, the next submission is a new attempt on the same order.
 */

function newPaymentReference(): string {
  return `pay_${randomBytes(12).toString("hex")}`;
}

/** How soon a submission told that its order is being charged should ask again. */
const IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

function inProgress(): AppError {
  return new AppError("checkout_in_progress", { retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS });
}

async function findOrder(orderKey: string) {
  return getDb().basketSession.findUnique({
    where: { orderKey },
    select: {
      id: true,
      redeemedAt: true,
      invoice: {
        select: {
          id: true,
          paidAt: true,
          totalMinor: true,
          currency: true,
          payments: {
            select: { id: true, provider: true, reference: true, status: true },
            orderBy: { id: "desc" },
            take: 1,
          },
        },
      },
    },
  });
}

/**
 * Only an answer ever holds a basket GUID (just its hash is stored), so each answer for an order adds a link of its
 * own, and none replaces another: whichever answer reaches the browser, its link registers (docs/contract.md §3.1a).
 * The checkout takes the language of that submission too: a guest who switched language after a declined card
 * registers in the new one. An order whose link was already answered with a token is complete.
 */
async function issueCompletionUrl(
  basketSessionId: number,
  invoiceId: number,
  locale: Locale | undefined,
): Promise<string> {
  const token = randomUUID();
  const issued = await runTransaction(function* () {
    const added = yield* addBasketTokenUnlessRedeemed(sha256Hex(token), basketSessionId, new Date());
    if (added === 1 && locale !== undefined) yield* setBasketLocale(basketSessionId, locale);
    return added;
  });
  if (issued !== 1) throw new AppError("order_already_completed");
  return checkoutCompletionPath(invoiceId, token);
}

export async function placeCheckout(input: {
  businessId: number;
  /** The submission as it came: validated here (PlaceCheckoutSchema). */
  order: unknown;
  provider: PaymentProvider;
  clientIp: string;
  /** The guest's language: the one the checkout page was shown in. */
  locale?: Locale;
}): Promise<PlacedCheckoutResponse> {
  const parsed = PlaceCheckoutSchema.safeParse(input.order);
  if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
  const { orderKey, card, guest, lines } = parsed.data;
  // All the payment keeps of the card, for its receipt: the brand and the last four digits.
  const paymentCard = paymentCardOf(card.number);

  let order = await findOrder(orderKey);
  let placedLink: string | null = null;
  if (!order) {
    try {
      const placed = await createGuestCheckout({
        businessId: input.businessId,
        order: { guest, lines },
        orderKey,
        locale: input.locale,
        payment: { provider: input.provider.name, reference: newPaymentReference(), card: paymentCard },
      });
      placedLink = checkoutCompletionPath(placed.invoiceId, placed.basketToken);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // the same order, submitted twice at once: use the first
    }
    order = await findOrder(orderKey);
  }
  const invoice = order?.invoice;
  if (!order || !invoice) throw new Error(`order ${orderKey} has no invoice`);
  if (order.redeemedAt) throw new AppError("order_already_completed");
  const basketSessionId = order.id;
  const answer = async (status: "paid" | "pending"): Promise<PlacedCheckoutResponse> => ({
    status,
    invoiceId: invoice.id,
    // The order's first answer uses the link it was placed with; every later one gets a link of its own.
    completionUrl: placedLink ?? (await issueCompletionUrl(basketSessionId, invoice.id, input.locale)),
  });
  if (invoice.paidAt) return answer("paid");

  // The order's true state: being charged by another submission (ask again shortly), or charged and waiting for the
  // provider's confirmation (pending).
  const latest = invoice.payments[0];
  if (latest?.status === "processing") throw inProgress();
  if (latest?.status === "confirming") return answer("pending");

  // Claim the attempt: of submissions racing here, exactly one charges and the others are told to ask again. The
  // first attempt is claimed on its payment row; a next attempt after a decline on the checkout itself, which
  // only one of them can turn from declined back to pending, in the same transaction as its new payment.
  const pending = latest && latest.status !== "declined" ? latest : null;
  const reference = pending?.reference ?? newPaymentReference();
  const now = new Date();
  const claimed = await runTransaction(function* () {
    if (pending) return yield* claimPendingPayment(pending.id, paymentCard);
    const reopened = yield* reopenDeclinedBasket(basketSessionId);
    if (reopened !== 1) return 0;
    yield* addPayment({
      invoiceId: invoice.id,
      provider: input.provider.name,
      reference,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      status: "processing",
      createdAt: now,
      reconcileAt: reconcileDeadline(now),
      card: paymentCard,
    });
    return 1;
  });
  if (claimed !== 1) throw inProgress();

  const attempt = { invoiceId: invoice.id, provider: input.provider.name, reference };
  let result;
  try {
    result = await input.provider.charge({
      reference,
      amountMinor: invoice.totalMinor,
      currency: invoice.currency,
      card,
      description: `Order #${order.id}`,
    });
  } catch (error) {
    // Whether the provider charged is unknown: the attempt stays "processing", is never charged again blindly, and
    // the reconciler settles it with the provider.
    logger.error("payment provider failed", { invoiceId: invoice.id, reference, error });
    throw error;
  }

  switch (result.status) {
    case "declined":
      await declineCheckoutPayment({ ...attempt, actor: "guest", clientIp: input.clientIp });
      throw new AppError("payment_declined", { detail: result.message });
    case "succeeded":
      await completeCheckoutPayment(attempt);
      return answer("paid");
    case "pending": {
      // The provider confirms it later, by webhook; unless its event came first, the payment now waits for it.
      const waiting = await runOneWrite(() => markPaymentConfirming(attempt.provider, reference));
      // The provider's event is sent by the background work (test provider), which is asked to look when it is due.
      if (result.confirmsInMs !== undefined) kickBackgroundWork(result.confirmsInMs);
      if (waiting === 1) return answer("pending");
      const settled = await findOrder(orderKey);
      return answer(settled?.invoice?.paidAt ? "paid" : "pending");
    }
  }
}
