import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { CustomerSignInForm } from "@/components/auth/customer-sign-in-form";
import { PageShell } from "@/components/ui/page-shell";
import { getPageViewer } from "@/lib/server/auth/viewer";

export const metadata: Metadata = { title: "Sign in", robots: { index: false } };

/** Why a sign-in link did not work, in words (next-auth's `?error=` codes). */
const linkProblems: Record<string, string> = {
  Verification: "That sign-in link has expired or has already been used. Ask for a new one below.",
  AccessDenied: "That link cannot sign you in. Ask for a new one below, with the address you gave at checkout.",
};

export default async function CustomerSignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if ((await getPageViewer()).kind === "customer") redirect("/portal");
  const { email, error } = await searchParams;
  const linkProblem = typeof error === "string" ? (linkProblems[error] ?? "Signing in did not work. Ask for a new link below.") : null;

  return (
    <PageShell title="Sign in to your account">
      <p>We e-mail you a one-time link that signs you in. No password needed.</p>
      <CustomerSignInForm initialEmail={typeof email === "string" ? email : ""} linkProblem={linkProblem} />
    </PageShell>
  );
}
