import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

export const metadata: Metadata = { title: "Staff", robots: { index: false } };

export default async function StaffPage() {
  const viewer = await getPageViewer();
  if (viewer.kind !== "staff") redirect("/staff/sign-in");
  const business = await getStaffBusiness(viewer);

  return (
    <PageShell title="Staff">
      <p>
        Signed in as <strong>{viewer.email}</strong> for {business.name}.
      </p>
      <SignOutButton callbackUrl="/staff/sign-in" />
    </PageShell>
  );
}
