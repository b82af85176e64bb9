import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { CheckoutCompletion } from "@/components/checkout/checkout-completion";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { SiteFrame } from "@/components/ui/page-shell";
import { guestPageTitle } from "@/lib/server/page-titles";

// The address carries the basket GUID: rendered per request, never cached, never sent on as a referrer
// (next.config.js sets Referrer-Policy: no-referrer and Cache-Control: no-store for this path).
export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: await guestPageTitle((await getTranslations("completion"))("title")),
    referrer: "no-referrer",
    robots: { index: false, follow: false },
  };
}

export default function CheckoutCompletePage() {
  return (
    <ClientMessages namespaces={["frame", "completion"]}>
      <SiteFrame aside={<LanguageSwitcher />}>
        <CheckoutCompletion />
      </SiteFrame>
    </ClientMessages>
  );
}
