import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { StaffSignInForm } from "@/components/auth/staff-sign-in-form";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await guestPageTitle("Staff sign-in"), robots: { index: false } };
}

export default async function StaffSignInPage() {
  if ((await getPageViewer()).kind === "staff") redirect("/staff");
  return (
    <PageShell title="Staff sign-in">
      <StaffSignInForm />
    </PageShell>
  );
}
