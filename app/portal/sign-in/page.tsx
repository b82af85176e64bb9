import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { CustomerSignInForm } from "@/components/auth/customer-sign-in-form";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await guestPageTitle((await getTranslations("portal.signIn"))("title")), robots: { index: false } };
}

export default async function CustomerSignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if ((await getPageViewer()).kind === "customer") redirect("/portal");
  const [{ email, error }, t] = await Promise.all([searchParams, getTranslations("portal.signIn")]);
  // next-auth sends a sign-in it could not complete here (`?error=`); the link's and the code's own pages say why.
  const linkProblem = typeof error === "string" ? t("linkFailed") : null;

  return (
    <ClientMessages namespaces={["frame", "portal"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <p>{t("intro")}</p>
        <CustomerSignInForm initialEmail={typeof email === "string" ? email : ""} linkProblem={linkProblem} />
      </PageShell>
    </ClientMessages>
  );
}
