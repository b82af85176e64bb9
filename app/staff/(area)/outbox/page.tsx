import type { Metadata } from "next";
import Link from "next/link";

import { mailStatusWords } from "@/components/staff/mail-status";
import { StaffFrame } from "@/components/staff/staff-frame";
import { EmailAddress, StaffTable } from "@/components/staff/staff-table";
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
      <p className={styles.hint}>
        A message keeps its number in the outbox, which it shares with the other businesses&apos; messages and with
        sign-in e-mails (those belong to an address, not to a business, and are listed nowhere): so the numbers here
        skip some.
      </p>
      <section className={styles.panel} aria-label="Messages">
        <StaffTable
          label="Latest messages"
          columns={["Message", "To", "Status", "Queued"]}
          empty={<p>No messages yet. A paid checkout queues its receipt.</p>}
        >
          {messages.map((message) => (
            <tr key={message.id}>
              <th scope="row" className={styles.cardTitle}>
                <Link href={`/staff/outbox/${message.id}`}>
                  #{message.id} {KINDS[message.kind] ?? message.kind}
                </Link>
              </th>
              <td className={styles.cardLead}>
                <EmailAddress address={message.recipient} />
              </td>
              <td className={`${message.lastError ? styles.prose : ""} ${styles.cardAside}`}>
                {mailStatusWords(message.status)}
                {message.attempts > 1 ? ` after ${message.attempts} attempts` : ""}
                {message.lastError ? ` — ${message.lastError}` : ""}
              </td>
              <td data-label="Queued">{formatDateTime(message.createdAt, business.timeZone, business.locale)}</td>
            </tr>
          ))}
        </StaffTable>
      </section>
    </StaffFrame>
  );
}
