import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";

import { CheckoutForm } from "@/components/checkout/checkout-form";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { displayLocale } from "@/lib/i18n/locales";
import { getStorefrontOrThrow } from "@/lib/server/billing/get-storefront";
import { guestPageTitle } from "@/lib/server/page-titles";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await guestPageTitle((await getTranslations("checkout"))("title")) };
}

const COUNTRY_CODES = [
  "GB",
  "IE",
  "FR",
  "DE",
  "NL",
  "BE",
  "ES",
  "PT",
  "IT",
  "CH",
  "AT",
  "DK",
  "SE",
  "NO",
  "FI",
  "PL",
  "US",
  "CA",
  "AU",
  "NZ",
];

export default async function CheckoutPage() {
  const locale = await getLocale();
  // The products in the guest's language where the business gives them.
  const [storefront, t] = await Promise.all([getStorefrontOrThrow(locale), getTranslations("checkout")]);
  const formatting = displayLocale(locale, storefront.locale);
  // Named on the server, in the guest's language, so the browser's own locale data cannot make the markup differ at hydration.
  const names = new Intl.DisplayNames(locale, { type: "region" });
  const collator = new Intl.Collator(locale);
  const countries = COUNTRY_CODES.map((code) => ({ code, name: names.of(code) ?? code }));
  countries.sort((a, b) => collator.compare(a.name, b.name));
  return (
    <ClientMessages namespaces={["frame", "checkout"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <CheckoutForm
          currency={storefront.currency}
          locale={formatting}
          products={storefront.products}
          countries={countries}
        />
      </PageShell>
    </ClientMessages>
  );
}
