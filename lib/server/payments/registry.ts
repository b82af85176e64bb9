import "server-only";

import type { PaymentProvider } from "@/lib/server/billing/payment-provider";
import { testPaymentProvider } from "@/lib/server/payments/test-provider";

/** The payment providers the app can take payments with, by the name stored with each payment. */
const providers: ReadonlyMap<string, PaymentProvider> = new Map([[testPaymentProvider.name, testPaymentProvider]]);

/** The provider that checkouts pay with. */
export function checkoutPaymentProvider(): PaymentProvider {
  return testPaymentProvider;
}

/** The provider of that name (a payment's `provider`, a webhook route's segment), or null when there is none. */
export function paymentProviderNamed(name: string): PaymentProvider | null {
  return providers.get(name) ?? null;
}

export function allPaymentProviders(): PaymentProvider[] {
  return [...providers.values()];
}
