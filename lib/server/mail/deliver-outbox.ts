import "server-only";

import { getConfig } from "@/lib/config";
import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { renderMail } from "@/lib/server/mail/templates";
import { createMailTransport, type MailTransport } from "@/lib/server/mail/transport";

/**
 * Delivers due outbox rows, at least once: a row is claimed with a conditional update and a lease, so two
 * workers (or two instances) never send it together, and a row whose worker died mid-delivery is retried
 * when its lease runs out. Failures are retried with exponential backoff up to MAIL_MAX_ATTEMPTS.
 */

const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

export async function deliverOutbox(options: { now?: Date; limit?: number; transport?: MailTransport } = {}): Promise<DeliveryReport> {
  const db = getDb();
  const now = options.now ?? new Date();
  const transport = options.transport ?? createMailTransport();
  const { maxAttempts } = getConfig().mail;
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };

  const due = await db.outboxMessage.findMany({
    where: {
      OR: [
        { status: "pending", nextAttemptAt: { lte: now } },
        { status: "sending", claimedUntil: { lt: now } },
      ],
    },
    orderBy: { id: "asc" },
    take: options.limit ?? 50,
    select: { id: true, kind: true, recipient: true, payload: true, attempts: true, status: true, claimedUntil: true },
  });

  for (const message of due) {
    const claim = await db.outboxMessage.updateMany({
      where: { id: message.id, status: message.status, claimedUntil: message.claimedUntil },
      data: { status: "sending", claimedUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (claim.count !== 1) continue; // another worker has it

    const attempts = message.attempts + 1;
    try {
      const rendered = await renderMail(db, message);
      await transport.send({ messageId: `<outbox-${message.id}@billing-portal>`, to: message.recipient, ...rendered });
      await db.outboxMessage.update({
        where: { id: message.id },
        data: {
          status: "sent",
          sentAt: new Date(),
          attempts,
          claimedUntil: null,
          lastError: null,
          // A delivered sign-in link must not stay readable in the database (or on the staff page).
          ...(message.kind === "auth.sign_in_link" ? { payload: JSON.stringify({ redacted: true }) } : {}),
        },
        select: { id: true },
      });
      report.sent++;
    } catch (error) {
      const gaveUp = attempts >= maxAttempts;
      await db.outboxMessage.update({
        where: { id: message.id },
        data: {
          status: gaveUp ? "failed" : "pending",
          attempts,
          claimedUntil: null,
          nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
          lastError: (error instanceof Error ? error.message : String(error)).slice(0, 500),
        },
        select: { id: true },
      });
      logger.warn(gaveUp ? "mail delivery failed for good" : "mail delivery failed; will retry", {
        outboxMessageId: message.id,
        kind: message.kind,
        attempts,
        transport: transport.name,
        error,
      });
      if (gaveUp) report.failed++;
      else report.retrying++;
    }
  }
  return report;
}
