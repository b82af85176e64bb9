import "server-only";

import { randomBytes, randomUUID } from "node:crypto";

import { completeCheckoutPayment, declineCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import type { Locale } from "@/lib/i18n/locales";
import { execute, getDb, isUniqueViolation, Prisma, runOneWrite, runTransaction } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { sha256Hex } from "@/lib/server/hash";
import { logger } from "@/lib/server/logger";
import type { PaymentProvider } from "@/lib/server/payments/provider";
import { checkoutCompletionPath } from "@/lib/urls";
import { PlaceCheckoutSchema, type PlaceCheckoutInput, type PlacedCheckoutResponse } from "@/lib/validation/checkout";

/**
 * The checkout page's submission (docs/contract.md §4.1): place the order once per `orderKey`, charge it once per
 * payment attempt, and answer with the completion page's address. A resubmission of the same order (a
 * double click, a retry after a lost response) finds the order and its payment instead of charging again;
 * after a decline, the next submission is a new attempt on the same order.
 */

function newPaymentReference(): string {
  return `pay_${randomBytes(12).toString("hex")}`;
}

async function findOrder(orderKey: string) {
  return getDb().basketSession.findUnique({
    where: { orderKey },
    select: {
      id: true,
      consumedAt: true,
      invoice: {
        select: {
          id: true,
          paidAt: true,
          totalMinor: true,
          currency: true,
          payments: { select: { id: true, provider: true, reference: true, status: true }, orderBy: { id: "desc" }, take: 1 },
        },
      },
    },
  });
}

/**
 * Only this response ever holds the basket GUID (just its hash is stored), so the order is handed a new one
 * each time it is answered: whichever response reaches the browser, its GUID works. The checkout takes the
 * language of that submission too: a guest who switched language after a declined card registers in the new one.
 */
async function issueCompletionUrl(basketSessionId: number, invoiceId: number, locale: Locale | undefined): Promise<string> {
  const token = randomUUID();
  const language = locale === undefined ? Prisma.empty : Prisma.sql`, "locale" = ${locale}`;
  const issued = await runOneWrite(() =>
    execute(Prisma.sql`UPDATE "BasketSession" SET "tokenHash" = ${sha256Hex(token)}${language} WHERE "id" = ${basketSessionId} AND "consumedAt" IS NULL`),
  );
  if (issued !== 1) throw new AppError("order_already_completed");
  return checkoutCompletionPath(invoiceId, token);
}

export async function placeCheckout(input: {
  businessId: number;
  order: PlaceCheckoutInput;
  provider: PaymentProvider;
  clientIp: string;
  /** The guest's language: the one the checkout page was shown in. */
  locale?: Locale;
}): Promise<PlacedCheckoutResponse> {
  const parsed = PlaceCheckoutSchema.safeParse(input.order);
  if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
  const { orderKey, card, guest, lines } = parsed.data;

  let order = await findOrder(orderKey);
  if (!order) {
    try {
      await createGuestCheckout({
        businessId: input.businessId,
        order: { guest, lines },
        orderKey,
        locale: input.locale,
        payment: { provider: input.provider.name, reference: newPaymentReference() },
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // the same order, submitted twice at once: use the first
    }
    order = await findOrder(orderKey);
  }
  const invoice = order?.invoice;
  if (!order || !invoice) throw new Error(`order ${orderKey} has no invoice`);
  if (order.consumedAt) throw new AppError("order_already_completed");
  if (invoice.paidAt) return { status: "paid", invoiceId: invoice.id, completionUrl: await issueCompletionUrl(order.id, invoice.id, input.locale) };

  const latest = invoice.payments[0];
  if (latest?.status === "processing") {
    return { status: "pending", invoiceId: invoice.id, completionUrl: await issueCompletionUrl(order.id, invoice.id, input.locale) };
  }

  // Claim the attempt: of submissions racing here, exactly one charges and the others are told to wait. The
  // first attempt is claimed on its payment row; a next attempt after a decline on the checkout itself, which
  // only one of them can turn from declined back to pending, in the same transaction as its new payment.
  const basketSessionId = order.id;
  const pending = latest && latest.status !== "declined" ? latest : null;
  const reference = pending?.reference ?? newPaymentReference();
  const claimed = await runTransaction(function* () {
    if (pending) return yield* execute(Prisma.sql`UPDATE "Payment" SET "status" = 'processing' WHERE "id" = ${pending.id} AND "status" = 'pending'`);
    const reopened = yield* execute(Prisma.sql`UPDATE "BasketSession" SET "status" = 'pending_payment' WHERE "id" = ${basketSessionId} AND "status" = 'declined'`);
    if (reopened !== 1) return 0;
    yield* execute(Prisma.sql`
      INSERT INTO "Payment" ("invoiceId", "provider", "reference", "amountMinor", "currency", "status", "createdAt")
      VALUES (${invoice.id}, ${input.provider.name}, ${reference}, ${invoice.totalMinor}, ${invoice.currency}, 'processing', ${new Date()})`);
    return 1;
  });
  if (claimed !== 1) throw new AppError("checkout_in_progress");

  const attempt = { invoiceId: invoice.id, provider: input.provider.name, reference };
  const settle = async (outcome: "succeeded" | "declined") => {
    if (outcome === "succeeded") await completeCheckoutPayment(attempt);
    else await declineCheckoutPayment({ ...attempt, actor: "guest", clientIp: input.clientIp });
  };
  let result;
  try {
    result = await input.provider.charge(
      { reference: attempt.reference, amountMinor: invoice.totalMinor, currency: invoice.currency, card, description: `Order #${order.id}` },
      settle,
    );
  } catch (error) {
    // Whether the provider charged is unknown: keep the attempt "processing" so it is never charged again
    // blindly; the provider's own report (or staff) settles it.
    logger.error("payment provider failed", { invoiceId: invoice.id, reference, error });
    throw error;
  }

  if (result.status === "declined") {
    await settle("declined");
    throw new AppError("payment_declined", { detail: result.message });
  }
  if (result.status === "succeeded") await settle("succeeded");
  return {
    status: result.status === "succeeded" ? "paid" : "pending",
    invoiceId: invoice.id,
    completionUrl: await issueCompletionUrl(order.id, invoice.id, input.locale),
  };
}
