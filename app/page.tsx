import type { Metadata } from "next";
import Link from "next/link";

import { PageShell } from "@/components/ui/page-shell";
import styles from "@/components/ui/form.module.css";
import { guestPageTitle } from "@/lib/server/page-titles";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await guestPageTitle("Billing portal") };
}

export default function HomePage() {
  return (
    <PageShell title="Billing portal">
      <p>
        Book a desk or a room as a guest, pay, and download your invoice. Customers find all their invoices in their
        account.
      </p>
      <p style={{ display: "flex", gap: "0.75rem", flexWrap: "wrap" }}>
        <Link className={styles.button} href="/checkout">
          Book your space
        </Link>
        <Link className={`${styles.button} ${styles.secondary}`} href="/portal">
          Your invoices
        </Link>
      </p>
    </PageShell>
  );
}
