import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";

import { PageShell } from "@/components/ui/page-shell";
import { getConfig } from "@/lib/config";

export const metadata: Metadata = { title: "Check your e-mail", robots: { index: false } };

export default async function CheckEmailPage() {
  // Rendered per request: the link's lifetime is configuration of the running app, not of the build.
  await connection();
  const minutes = getConfig().auth.signInLinkTtlMinutes;
  return (
    <PageShell title="Check your e-mail">
      <p role="status">
        If that address belongs to an account, a sign-in link is on its way. It works once and expires in {minutes} minutes.
      </p>
      <p>Nothing after a few minutes? Look in your spam folder, or make sure you used the address you gave at checkout.</p>
      <p>
        <Link href="/portal/sign-in">Ask for another link</Link>
      </p>
    </PageShell>
  );
}
