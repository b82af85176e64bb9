import "server-only";

import { logger } from "@/lib/server/logger";
import type { PaymentProvider } from "@/lib/server/payments/provider";

/**
 * The built-in test provider, the embedded default. Its cards:
 * - 4242 4242 4242 4242 succeeds at once;
 * - 4000 0000 0000 0002 is declined;
 * - 4000 0000 0000 3220 needs "authentication" and succeeds a few seconds later (payment pending);
 * - any other valid number is declined with a hint to use a test card. Nothing is ever charged.
 */
const SUCCEEDS = "4242424242424242";
const DECLINED = "4000000000000002";
const SETTLES_LATER = "4000000000003220";
export const TEST_PROVIDER_SETTLE_DELAY_MS = 4000;

export const testPaymentProvider: PaymentProvider = {
  name: "test",
  async charge(request, onSettled) {
    switch (request.card.number) {
      case SUCCEEDS:
        return { status: "succeeded" };
      case DECLINED:
        return { status: "declined", message: "Your card was declined. No money was taken. Try another card." };
      case SETTLES_LATER:
        setTimeout(() => {
          onSettled("succeeded").catch((error: unknown) => logger.error("test provider could not settle a payment", { error }));
        }, TEST_PROVIDER_SETTLE_DELAY_MS).unref();
        return { status: "pending" };
      default:
        return { status: "declined", message: "This is a test shop: pay with the test card 4242 4242 4242 4242. No money was taken." };
    }
  },
};
