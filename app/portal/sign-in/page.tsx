import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { CustomerSignInForm } from "@/components/auth/customer-sign-in-form";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("portal.signIn"))("title"), robots: { index: false } };
}

/** Why a sign-in link did not work, in words (next-auth's `?error=` codes). */
const LINK_PROBLEMS = { Verification: "linkExpired", AccessDenied: "linkRefused" } as const;

export default async function CustomerSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if ((await getPageViewer()).kind === "customer") redirect("/portal");
  const [{ email, error }, t] = await Promise.all([searchParams, getTranslations("portal.signIn")]);
  const linkProblem = typeof error === "string" ? t(Object.hasOwn(LINK_PROBLEMS, error) ? LINK_PROBLEMS[error as keyof typeof LINK_PROBLEMS] : "linkFailed") : null;

  return (
    <ClientMessages namespaces={["frame", "portal"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <p>{t("intro")}</p>
        <CustomerSignInForm initialEmail={typeof email === "string" ? email : ""} linkProblem={linkProblem} />
      </PageShell>
    </ClientMessages>
  );
}
