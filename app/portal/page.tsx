import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { InvoiceTable } from "@/components/portal/invoice-table";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { listInvoicesForViewer } from "@/lib/server/billing/list-invoices-for-viewer";

export const metadata: Metadata = { title: "Your invoices", robots: { index: false } };

export default async function PortalPage() {
  const viewer = await getPageViewer();
  if (viewer.kind !== "customer") redirect("/portal/sign-in");
  const invoices = await listInvoicesForViewer(viewer);

  return (
    <PageShell title="Your invoices">
      <p>
        Signed in as <strong>{viewer.email}</strong>.
      </p>
      <InvoiceTable invoices={invoices} />
      <SignOutButton callbackUrl="/portal/sign-in" />
    </PageShell>
  );
}
