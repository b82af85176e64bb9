import type { Metadata } from "next";
import Link from "next/link";

import { AuditTrail } from "@/components/staff/audit-trail";
import { CorrectEmailForm } from "@/components/staff/correct-email-form";
import { FulfilmentNote } from "@/components/staff/fulfilment-note";
import { ResendEmailButton } from "@/components/staff/resend-email-button";
import { StaffFrame } from "@/components/staff/staff-frame";
import { StaffTable } from "@/components/staff/staff-table";
import styles from "@/components/staff/staff.module.css";
import { StatusBadge } from "@/components/staff/status-badge";
import { formatDateTime, formatMoney } from "@/lib/format";
import { loadOrNotFound, requireStaffPage } from "@/lib/server/auth/staff-page";
import { staffPageTitle } from "@/lib/server/page-titles";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

const PAYMENT_STATUS: Record<string, string> = {
  pending: "Not charged yet",
  processing: "Being charged",
  confirming: "Waiting for the provider's confirmation",
  succeeded: "Succeeded",
  declined: "Declined",
};

export async function generateMetadata(): Promise<Metadata> {
  return { title: await staffPageTitle("Guest checkout"), robots: { index: false, follow: false } };
}

export default async function StaffCheckoutPage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requireStaffPage();
  const [business, checkout] = await Promise.all([
    getStaffBusiness(staff),
    loadOrNotFound((await params).id, (basketSessionId) =>
      getGuestCheckoutOrThrow({ businessId: staff.businessId, basketSessionId }),
    ),
  ]);
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
          <dd>
            {when(checkout.completedAt)}
            <FulfilmentNote fulfilment={checkout.fulfilment} timeZone={business.timeZone} locale={business.locale} />
          </dd>
          <dt>Link expires</dt>
          <dd>{when(checkout.expiresAt)}</dd>
          <dt>Registered</dt>
          <dd>
            {when(checkout.consumedAt)}
            {checkout.registeredBy
              ? ` · by ${checkout.registeredBy === "server" ? "the server (no completion page registered in time)" : "the guest's completion page"}`
              : ""}
          </dd>
          <dt>Invoice</dt>
          <dd>
            {checkout.invoice ? (
              <>
                {checkout.invoice.number ? (
                  <span className={styles.word}>{checkout.invoice.number}</span>
                ) : (
                  "Not issued yet (numbered when the payment succeeds)"
                )}
                {" · "}
                <span className={styles.word}>
                  {formatMoney(checkout.invoice.totalMinor, checkout.invoice.currency, business.locale)}
                </span>
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
            {checkout.differsFromAccount.length > 0 ? (
              <strong className={styles.note}>
                The guest typed another {checkout.differsFromAccount.join(" and ")} than the account has. The invoice
                shows what the guest typed; the account was not changed.
              </strong>
            ) : null}
          </dd>
        </dl>
        <div className={styles.actions}>
          {checkout.status === "registered" && <ResendEmailButton basketSessionId={checkout.id} />}
          <CorrectEmailForm basketSessionId={checkout.id} currentEmail={checkout.guestEmail} />
        </div>
      </section>
      <section className={styles.panel} aria-labelledby="payments-heading">
        <h2 id="payments-heading">Payments</h2>
        <StaffTable
          label="Payment attempts"
          columns={["Reference", "Status", "Amount", "Attempted", "Settled"]}
          numeric={["Amount"]}
          empty={<p>No payment attempts.</p>}
        >
          {(checkout.invoice?.payments ?? []).map((payment) => (
            <tr key={payment.id}>
              <th scope="row" className={styles.cardTitle}>
                <code>{payment.reference}</code>
              </th>
              <td className={styles.wrap} data-label="Status">
                {PAYMENT_STATUS[payment.status] ?? payment.status}
                {payment.refundDueAt ? (
                  <strong className={styles.note}>
                    Refund due: this charge came after the invoice was already paid
                  </strong>
                ) : null}
                {payment.reconcileAt ? (
                  <small className={styles.note}>
                    checked with the provider at {when(payment.reconcileAt)} if still unsettled
                  </small>
                ) : null}
              </td>
              <td className={styles.amount} data-label="Amount">
                {formatMoney(payment.amountMinor, payment.currency, business.locale)}
              </td>
              <td data-label="Attempted">{when(payment.createdAt)}</td>
              <td data-label="Settled">{when(payment.completedAt)}</td>
            </tr>
          ))}
        </StaffTable>
      </section>
      <section className={styles.panel} aria-labelledby="audit-heading">
        <h2 id="audit-heading">Audit trail</h2>
        <AuditTrail
          basketSessionId={checkout.id}
          events={checkout.auditEvents}
          timeZone={business.timeZone}
          dateLocale={business.locale}
          viewerStaffUserId={staff.staffUserId}
        />
      </section>
    </StaffFrame>
  );
}
