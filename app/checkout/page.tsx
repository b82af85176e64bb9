import type { Metadata } from "next";

import { CheckoutForm } from "@/components/checkout/checkout-form";
import { PageShell } from "@/components/ui/page-shell";
import { getStorefrontOrThrow } from "@/lib/server/billing/get-storefront";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Checkout" };

const COUNTRY_CODES = ["GB", "IE", "FR", "DE", "NL", "BE", "ES", "PT", "IT", "CH", "AT", "DK", "SE", "NO", "FI", "PL", "US", "CA", "AU", "NZ"];

export default async function CheckoutPage() {
  const storefront = await getStorefrontOrThrow();
  // Named on the server, so the browser's own locale data cannot make the markup differ at hydration.
  const names = new Intl.DisplayNames(storefront.locale, { type: "region" });
  const countries = COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code }));
  return (
    <PageShell title="Book your space">
      <CheckoutForm currency={storefront.currency} locale={storefront.locale} products={storefront.products} countries={countries} />
    </PageShell>
  );
}
