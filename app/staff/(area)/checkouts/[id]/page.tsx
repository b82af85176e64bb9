import type { Metadata } from "next";
import Link from "next/link";

import { ResendEmailButton } from "@/components/staff/resend-email-button";
import { StaffFrame } from "@/components/staff/staff-frame";
import { StaffTable } from "@/components/staff/staff-table";
import styles from "@/components/staff/staff.module.css";
import { StatusBadge } from "@/components/staff/status-badge";
import { formatDateTime, formatMoney } from "@/lib/format";
import { loadOrNotFound, requireStaffPage } from "@/lib/server/auth/staff-page";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

export const metadata: Metadata = { title: "Guest checkout · Staff", robots: { index: false, follow: false } };

export default async function StaffCheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requireStaffPage();
  const [business, checkout] = await Promise.all([getStaffBusiness(staff), loadOrNotFound((await params).id, (basketSessionId) => getGuestCheckoutOrThrow({ businessId: staff.businessId, basketSessionId }))]);
  const when = (instant: Date | null) => (instant ? formatDateTime(instant, business.timeZone, business.locale) : "—");

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff">
      <p>
        <Link href="/staff">← All guest checkouts</Link>
      </p>
      <h1 className={styles.title}>
        Checkout #{checkout.id} <StatusBadge status={checkout.status} />
      </h1>
      <section className={styles.panel} aria-labelledby="guest-heading">
        <h2 id="guest-heading">Guest and invoice</h2>
        <dl className={styles.facts}>
          <dt>Guest</dt>
          <dd>
            {checkout.guestFullName} · {checkout.guestEmail}
            {checkout.guestCompany ? ` · ${checkout.guestCompany}` : ""}
          </dd>
          <dt>Placed</dt>
          <dd>{when(checkout.createdAt)}</dd>
          <dt>Paid</dt>
          <dd>{when(checkout.completedAt)}</dd>
          <dt>Link expires</dt>
          <dd>{when(checkout.expiresAt)}</dd>
          <dt>Registered</dt>
          <dd>{when(checkout.consumedAt)}</dd>
          <dt>Invoice</dt>
          <dd>
            {checkout.invoice ? (
              <>
                {checkout.invoice.number ? <span className={styles.word}>{checkout.invoice.number}</span> : "Not issued yet (numbered when the payment succeeds)"}
                {" · "}
                <span className={styles.word}>{formatMoney(checkout.invoice.totalMinor, checkout.invoice.currency, business.locale)}</span>
                {checkout.invoice.paymentReference ? ` · ${checkout.invoice.paymentReference}` : ""}
              </>
            ) : (
              "—"
            )}
          </dd>
          <dt>Customer</dt>
          <dd>
            {checkout.invoice?.customer
              ? `#${checkout.invoice.customer.id} ${checkout.invoice.customer.fullName} (${checkout.invoice.customer.email}) — ${checkout.customerOutcome === "linked" ? "linked to an existing customer" : "created by this checkout"}`
              : "None yet"}
          </dd>
        </dl>
        {checkout.status === "registered" && <ResendEmailButton basketSessionId={checkout.id} />}
      </section>
      <section className={styles.panel} aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        <StaffTable label="Audit events" columns={["When", "Event", "Why", "By", "Address", "Details"]} empty={<p>No events.</p>}>
          {checkout.auditEvents.map((event) => (
            <tr key={event.id}>
              <td>{when(event.createdAt)}</td>
              <td>{event.type}</td>
              <td>{event.reason ?? ""}</td>
              <td>{event.actor}</td>
              <td>{event.clientIp ?? ""}</td>
              <td className={styles.prose}>
                <code>{event.detail ?? ""}</code>
              </td>
            </tr>
          ))}
        </StaffTable>
      </section>
    </StaffFrame>
  );
}
