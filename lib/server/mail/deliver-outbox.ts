import "server-only";

import { getConfig } from "@/lib/config";
import { getDb, runOneWrite, runReadOnly } from "@/lib/server/db";
import { claimOutboxRows, dueOutboxIds, markOutboxRowsSent } from "@/lib/server/db/outbox";
import { logger } from "@/lib/server/logger";
import type { OutboxKind } from "@/lib/server/mail/outbox";
import { mailRenderer } from "@/lib/server/mail/templates";
import { createMailTransport, type MailTransport } from "@/lib/server/mail/transport";

/**
 * Delivers due outbox rows, at least once. Rows are claimed with a lease by one conditional update that checks
 * again, row by row, that each is still due, so two workers (or two instances) never send a row together, and a
 * row whose worker died mid-delivery is retried when its lease runs out. Failures are retried with exponential
 * backoff up to MAIL_MAX_ATTEMPTS. The database work is per batch, not per message (a handful of statements for
 * up to `limit` e-mails): under a burst of registrations, per-message queries made delivery cost more than the
 * registrations themselves (docs/benchmarks.md).
 */

/** E-mails per run, unless the caller asks for another number. */
export const DELIVERY_BATCH = 50;
const LEASE_MS = 2 * 60_000;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

export async function deliverOutbox(
  options: { now?: Date; limit?: number; transport?: MailTransport } = {},
): Promise<DeliveryReport> {
  const db = getDb();
  const now = options.now ?? new Date();
  const transport = options.transport ?? createMailTransport();
  const { maxAttempts } = getConfig().mail;
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };

  const limit = options.limit ?? DELIVERY_BATCH;
  const ids = await runReadOnly(() => dueOutboxIds(now, limit));
  if (ids.length === 0) return report;
  // The claim checks again, row by row, that each is still due: of two workers, only one claims a row.
  const claimed = await runOneWrite(() => claimOutboxRows(ids, now, new Date(now.getTime() + LEASE_MS)));
  claimed.sort((a, b) => a.id - b.id);

  const render = await mailRenderer(db, claimed);
  const sent: typeof claimed = [];
  for (const message of claimed) {
    const attempts = message.attempts + 1;
    try {
      const { attachments, ...mail } = await render(message);
      await transport.send({
        messageId: `<outbox-${message.id}@billing-portal>`,
        to: message.recipient,
        ...mail,
        attachments: await Promise.all(
          attachments.map(async ({ content, ...attachment }) => ({ ...attachment, content: await content() })),
        ),
      });
      sent.push(message);
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

  if (sent.length > 0) {
    // A delivered sign-in link must not stay readable in the database (or on the staff page).
    await runOneWrite(() =>
      markOutboxRowsSent(
        sent.map((row) => row.id),
        new Date(),
        "auth.sign_in_link" satisfies OutboxKind,
      ),
    );
    report.sent = sent.length;
  }
  return report;
}
