import type { Metadata } from "next";
import Link from "next/link";

import { FulfilmentNote } from "@/components/staff/fulfilment-note";
import { StaffFrame } from "@/components/staff/staff-frame";
import { EmailAddress, StaffTable, Words } from "@/components/staff/staff-table";
import styles from "@/components/staff/staff.module.css";
import { STATUS_LABELS, StatusBadge } from "@/components/staff/status-badge";
import { formatDateTime, formatMoney } from "@/lib/format";
import { requireStaffPage } from "@/lib/server/auth/staff-page";
import { staffPageTitle } from "@/lib/server/page-titles";
import { CHECKOUT_STATUSES, type CheckoutStatus } from "@/lib/server/staff/checkout-status";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";
import { GuestCheckoutsQuerySchema, listGuestCheckouts } from "@/lib/server/staff/list-guest-checkouts";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await staffPageTitle("Guest checkouts"), robots: { index: false, follow: false } };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function hrefFor(status: CheckoutStatus | undefined, page: number): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (page > 1) query.set("page", String(page));
  const text = query.toString();
  return text ? `/staff?${text}` : "/staff";
}

export default async function StaffCheckoutsPage({ searchParams }: { searchParams: SearchParams }) {
  const staff = await requireStaffPage();
  const { status, page } = GuestCheckoutsQuerySchema.parse(await searchParams);
  const [business, checkouts] = await Promise.all([
    getStaffBusiness(staff),
    listGuestCheckouts({ businessId: staff.businessId, status, page }),
  ]);

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff">
      <h1 className={styles.title}>Guest checkouts</h1>
      <ul className={styles.filters} aria-label="Filter by status">
        <li>
          <Link href={hrefFor(undefined, 1)} aria-current={status === undefined ? "true" : undefined}>
            All
          </Link>
        </li>
        {CHECKOUT_STATUSES.map((candidate) => (
          <li key={candidate}>
            <Link href={hrefFor(candidate, 1)} aria-current={status === candidate ? "true" : undefined}>
              {STATUS_LABELS[candidate]}
            </Link>
          </li>
        ))}
      </ul>
      <section className={styles.panel} aria-label="Checkouts">
        <StaffTable
          label="Guest checkouts"
          columns={["Checkout", "Guest", "Status", "Placed", "Invoice", "Total", "Customer"]}
          numeric={["Total"]}
          empty={<p>No guest checkouts{status ? ` with the status “${STATUS_LABELS[status]}”` : ""} yet.</p>}
        >
          {checkouts.rows.map((row) => (
            <tr key={row.id}>
              <th scope="row" className={styles.cardTitle}>
                <Link href={`/staff/checkouts/${row.id}`}>#{row.id}</Link>
              </th>
              <td className={`${styles.wrap} ${styles.cardLead}`}>
                <Words text={row.guestFullName} />
                <br />
                <small>
                  <EmailAddress address={row.guestEmail} />
                </small>
              </td>
              <td className={`${styles.wrap} ${styles.cardAside}`}>
                <StatusBadge status={row.status} />
                <FulfilmentNote fulfilment={row.fulfilment} timeZone={business.timeZone} locale={business.locale} />
              </td>
              <td data-label="Placed">{formatDateTime(row.createdAt, business.timeZone, business.locale)}</td>
              <td data-label="Invoice">{row.invoice?.number ?? <span className={styles.muted}>Not issued</span>}</td>
              <td className={styles.amount} data-label="Total">
                {row.invoice ? formatMoney(row.invoice.totalMinor, row.invoice.currency, business.locale) : "—"}
              </td>
              <td className={styles.wrap} data-label="Customer">
                {row.invoice?.customer ? (
                  <Words text={`#${row.invoice.customer.id} ${row.invoice.customer.fullName}`} />
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </StaffTable>
        <nav className={styles.pager} aria-label="Pages">
          {checkouts.page > 1 ? <Link href={hrefFor(status, checkouts.page - 1)}>← Newer</Link> : <span />}
          <span>
            Page {checkouts.page} of {checkouts.pageCount} · {checkouts.total} checkouts
          </span>
          {checkouts.page < checkouts.pageCount ? (
            <Link href={hrefFor(status, checkouts.page + 1)}>Older →</Link>
          ) : (
            <span />
          )}
        </nav>
      </section>
    </StaffFrame>
  );
}
