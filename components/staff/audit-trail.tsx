import { getLocale, getTranslations } from "next-intl/server";

import { formatDateTime } from "@/lib/format";
import { type AuditEventRecord, describeAuditTrail } from "@/lib/server/staff/audit-trail";

import { AuditTrailRefresher } from "./audit-trail-refresher";
import styles from "./staff.module.css";

/**
 * A checkout's audit trail, oldest first: each event as a sentence in the staff page's language, when and by whom,
 * with the stored record (code, reason, details) behind a disclosure. New events appear without a reload
 * (AuditTrailRefresher), and a screen reader hears them.
 */
export async function AuditTrail({
  basketSessionId,
  events,
  timeZone,
  dateLocale,
  viewerStaffUserId,
}: {
  basketSessionId: number;
  events: readonly AuditEventRecord[];
  timeZone: string;
  /** The locale dates are written in (the business's, as everywhere on the staff pages). */
  dateLocale: string;
  viewerStaffUserId: number;
}) {
  const locale = await getLocale();
  const [entries, t] = await Promise.all([
    describeAuditTrail(events, locale, viewerStaffUserId),
    getTranslations("staff.audit"),
  ]);

  return (
    <>
      <p className={styles.hint}>{t("live")}</p>
      <ol className={styles.trail} aria-live="polite">
        {entries.map((entry) => (
          <li key={entry.id} className={styles.event}>
            <time className={styles.eventTime} dateTime={entry.at.toISOString()}>
              {formatDateTime(entry.at, timeZone, dateLocale)}
            </time>
            <div className={styles.eventBody}>
              <p className={styles.sentence}>{entry.sentence}</p>
              <p className={styles.eventMeta}>
                {entry.clientIp ? t("byFrom", { by: entry.by, address: entry.clientIp }) : entry.by}
              </p>
              <details className={styles.raw}>
                <summary>{t("details")}</summary>
                <p>
                  <code>{entry.raw.type}</code>
                  {entry.raw.reason ? (
                    <>
                      {" · "}
                      <code>{entry.raw.reason}</code>
                    </>
                  ) : null}
                </p>
                {entry.raw.detail ? <pre>{entry.raw.detail}</pre> : null}
              </details>
            </div>
          </li>
        ))}
      </ol>
      <AuditTrailRefresher
        basketSessionId={basketSessionId}
        latestEventId={entries.length ? Math.max(...entries.map((entry) => entry.id)) : null}
      />
    </>
  );
}
