import { PageShell } from "@/components/ui/page-shell";

export default function HomePage() {
  return (
    <PageShell title="Billing portal">
      <p>
        This is where guests of Hive &amp; Desk Coworking complete their checkout and download their invoices. If you
        have just paid, follow the link from your checkout confirmation.
      </p>
    </PageShell>
  );
}
