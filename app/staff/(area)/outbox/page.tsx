import type { Metadata } from "next";
import Link from "next/link";

import { StaffFrame } from "@/components/staff/staff-frame";
import { StaffTable } from "@/components/staff/staff-table";
import styles from "@/components/staff/staff.module.css";
import { formatDateTime } from "@/lib/format";
import { requireStaffPage } from "@/lib/server/auth/staff-page";
import { staffPageTitle } from "@/lib/server/page-titles";
import { listOutbox } from "@/lib/server/staff/outbox";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await staffPageTitle("Mail outbox"), robots: { index: false, follow: false } };
}

const KINDS: Record<string, string> = {
  "checkout.receipt": "Receipt",
  "registration.new_customer": "Account ready",
  "registration.existing_customer": "Purchase added",
};

export default async function StaffOutboxPage() {
  const staff = await requireStaffPage();
  const [business, messages] = await Promise.all([
    getStaffBusiness(staff),
    listOutbox({ businessId: staff.businessId }),
  ]);

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff/outbox">
      <h1 className={styles.title}>Mail outbox</h1>
      <p>
        The latest 50 messages to your customers. Without SMTP configured, each one is also an .eml file in the outbox
        folder.
      </p>
      <section className={styles.panel} aria-label="Messages">
        <StaffTable
          label="Latest messages"
          columns={["Message", "To", "Queued", "Status"]}
          empty={<p>No messages yet. A paid checkout queues its receipt.</p>}
        >
          {messages.map((message) => (
            <tr key={message.id}>
              <th scope="row">
                <Link href={`/staff/outbox/${message.id}`}>
                  #{message.id} {KINDS[message.kind] ?? message.kind}
                </Link>
              </th>
              <td>{message.recipient}</td>
              <td>{formatDateTime(message.createdAt, business.timeZone, business.locale)}</td>
              <td className={message.lastError ? styles.prose : undefined}>
                {message.status}
                {message.attempts > 1 ? ` after ${message.attempts} attempts` : ""}
                {message.lastError ? ` — ${message.lastError}` : ""}
              </td>
            </tr>
          ))}
        </StaffTable>
      </section>
    </StaffFrame>
  );
}
