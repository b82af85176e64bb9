import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";

import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { getConfig } from "@/lib/config";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("portal.checkEmail"))("title"), robots: { index: false } };
}

export default async function CheckEmailPage() {
  // Rendered per request: the link's lifetime is configuration of the running app, not of the build.
  await connection();
  const t = await getTranslations("portal.checkEmail");
  return (
    <ClientMessages namespaces={["frame"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <p role="status">{t("sent", { minutes: getConfig().auth.signInLinkTtlMinutes })}</p>
        <p>{t("spam")}</p>
        <p>
          <Link href="/portal/sign-in">{t("again")}</Link>
        </p>
      </PageShell>
    </ClientMessages>
  );
}
