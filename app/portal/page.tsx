import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { ClientMessages } from "@/components/i18n/client-messages";
import { LanguageSwitcher } from "@/components/i18n/language-switcher";
import { InvoiceTable } from "@/components/portal/invoice-table";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { listInvoicesForViewer } from "@/lib/server/billing/list-invoices-for-viewer";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await guestPageTitle((await getTranslations("portal.invoices"))("title")), robots: { index: false } };
}

export default async function PortalPage() {
  const viewer = await getPageViewer();
  if (viewer.kind !== "customer") redirect("/portal/sign-in");
  const [invoices, t] = await Promise.all([listInvoicesForViewer(viewer), getTranslations("portal.invoices")]);

  return (
    <ClientMessages namespaces={["frame"]}>
      <PageShell title={t("title")} aside={<LanguageSwitcher />}>
        <p>{t.rich("signedInAs", { email: viewer.email, strong: (chunks) => <strong>{chunks}</strong> })}</p>
        <InvoiceTable invoices={invoices} />
        <SignOutButton callbackUrl="/portal/sign-in" label={t("signOut")} />
      </PageShell>
    </ClientMessages>
  );
}
