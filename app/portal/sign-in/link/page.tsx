import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { SignInLinkConfirm, type LinkView } from "@/components/auth/sign-in-link-confirm";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { maskEmail } from "@/lib/format";
import { describeSignInLink } from "@/lib/server/auth/sign-in-challenge";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: await guestPageTitle((await getTranslations("portal.signInLink"))("title")),
    robots: { index: false },
    referrer: "no-referrer",
  };
}

/**
 * Where a sign-in e-mail's link leads (docs/contract.md §3.5): a read only, however often it is fetched. The page
 * is in the language the link names (`?lang=`, the customer's), and its button signs in.
 */
export default async function SignInLinkPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const [{ token }, t] = await Promise.all([searchParams, getTranslations("portal.signInLink")]);
  const link = typeof token === "string" ? await describeSignInLink(token) : null;
  const viewer = await getPageViewer();
  // Already signed in as this address: nothing to confirm.
  if (link && viewer.kind === "customer" && viewer.email === link.email) redirect("/portal");
  const view: LinkView = link ? link.state : "unknown";

  return (
    <ClientMessages namespaces={["frame", "portal"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <SignInLinkConfirm
          token={typeof token === "string" ? token : ""}
          maskedEmail={link ? maskEmail(link.email) : ""}
          initial={view}
        />
      </PageShell>
    </ClientMessages>
  );
}
