import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { getTranslations } from "next-intl/server";

import { SignInCodeForm } from "@/components/auth/sign-in-code-form";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { getConfig } from "@/lib/config";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return {
    title: await guestPageTitle((await getTranslations("portal.checkEmail"))("title")),
    robots: { index: false },
  };
}

/** After asking for a sign-in e-mail: where it went, and the field for its code (for a guest reading it elsewhere). */
export default async function CheckEmailPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Rendered per request: the link's lifetime is configuration of the running app, not of the build.
  await connection();
  const [{ email }, t] = await Promise.all([searchParams, getTranslations("portal.checkEmail")]);
  return (
    <ClientMessages namespaces={["frame", "portal"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <p role="status">{t("sent", { minutes: getConfig().auth.signInLinkTtlMinutes })}</p>
        <SignInCodeForm initialEmail={typeof email === "string" ? email.slice(0, 320) : ""} />
        <p>{t("spam")}</p>
        <p>
          <Link href="/portal/sign-in">{t("again")}</Link>
        </p>
      </PageShell>
    </ClientMessages>
  );
}
