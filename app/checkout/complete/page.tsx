import type { Metadata } from "next";

import { CheckoutCompletion } from "@/components/checkout/checkout-completion";
import { SiteFrame } from "@/components/ui/page-shell";

// The address carries the basket GUID: rendered per request, never cached, never sent on as a referrer
// (next.config.js sets Referrer-Policy: no-referrer and Cache-Control: no-store for this path).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "Your purchase",
  referrer: "no-referrer",
  robots: { index: false, follow: false },
};

export default function CheckoutCompletePage() {
  return (
    <SiteFrame>
      <CheckoutCompletion />
    </SiteFrame>
  );
}
