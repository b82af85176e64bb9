import type { Metadata } from "next";
import Link from "next/link";

import { MailFrame } from "@/components/staff/mail-frame";
import { mailStatusWords } from "@/components/staff/mail-status";
import { StaffFrame } from "@/components/staff/staff-frame";
import styles from "@/components/staff/staff.module.css";
import { formatDateTime } from "@/lib/format";
import { loadOrNotFound, requireStaffPage } from "@/lib/server/auth/staff-page";
import { staffPageTitle } from "@/lib/server/page-titles";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";
import { readOutboxMessageOrThrow } from "@/lib/server/staff/outbox";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await staffPageTitle("Message"), robots: { index: false, follow: false } };
}

export default async function StaffOutboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  const staff = await requireStaffPage();
  const [business, message] = await Promise.all([
    getStaffBusiness(staff),
    loadOrNotFound((await params).id, (messageId) =>
      readOutboxMessageOrThrow({ businessId: staff.businessId, messageId }),
    ),
  ]);

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff/outbox">
      <p>
        <Link href="/staff/outbox">← Mail outbox</Link>
      </p>
      <h1 className={styles.title}>{message.rendered.subject}</h1>
      <section className={styles.panel} aria-label="Envelope">
        <dl className={styles.facts}>
          <dt>To</dt>
          <dd>{message.recipient}</dd>
          <dt>Queued</dt>
          <dd>{formatDateTime(message.createdAt, business.timeZone, business.locale)}</dd>
          <dt>Status</dt>
          <dd>
            {mailStatusWords(message.status)}
            {message.sentAt ? ` on ${formatDateTime(message.sentAt, business.timeZone, business.locale)}` : ""}
            {message.lastError ? ` — last error: ${message.lastError}` : ""}
          </dd>
          {message.rendered.attachments.length > 0 && (
            <>
              <dt>Attached</dt>
              <dd>
                {message.rendered.attachments.map((attachment) => (
                  <span key={attachment.filename} className={styles.word}>
                    {attachment.filename}
                  </span>
                ))}
              </dd>
            </>
          )}
        </dl>
      </section>
      <section className={styles.panel} aria-labelledby="html-heading">
        <h2 id="html-heading">As the customer sees it</h2>
        <MailFrame title={`Message ${message.id} as HTML`} html={message.rendered.html} />
      </section>
      <section className={styles.panel} aria-labelledby="text-heading">
        <h2 id="text-heading">Plain text</h2>
        <pre className={styles.pre}>{message.rendered.text}</pre>
      </section>
    </StaffFrame>
  );
}
