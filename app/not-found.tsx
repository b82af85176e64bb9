import Link from "next/link";

import { PageShell } from "@/components/ui/page-shell";

export default function NotFound() {
  return (
    <PageShell title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link href="/">Go to the billing portal</Link>
      </p>
    </PageShell>
  );
}
