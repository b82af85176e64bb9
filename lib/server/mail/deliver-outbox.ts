import "server-only";

import { getConfig } from "@/lib/config";
import { execute, getDb, Prisma, query, runOneWrite, runReadOnly } from "@/lib/server/db";
import { int, text } from "@/lib/server/db/columns";
import { logger } from "@/lib/server/logger";
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

export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), MAX_RETRY_MS);
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
}

const idColumn = { id: int };
// The kind stays text here: a row of a kind the renderer does not know fails alone, when it is rendered.
const claimedColumns = { id: int, kind: text, recipient: text, payload: text, attempts: int };

/** The two kinds of due row: pending and due for an attempt, or claimed by a worker whose lease ran out. */
function dueAt(now: Date) {
  return {
    pending: Prisma.sql`"status" = 'pending' AND "nextAttemptAt" <= ${now}`,
    abandoned: Prisma.sql`"status" = 'sending' AND "claimedUntil" < ${now}`,
  };
}

export async function deliverOutbox(
  options: { now?: Date; limit?: number; transport?: MailTransport } = {},
): Promise<DeliveryReport> {
  const db = getDb();
  const now = options.now ?? new Date();
  const transport = options.transport ?? createMailTransport();
  const { maxAttempts } = getConfig().mail;
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0 };

  // Two index range scans (status, nextAttemptAt): one OR query with ORDER BY id read and sorted every due row.
  const limit = options.limit ?? DELIVERY_BATCH;
  const due = dueAt(now);
  const ids = await runReadOnly(function* () {
    const abandoned = yield* query(
      Prisma.sql`SELECT "id" FROM "OutboxMessage" WHERE ${due.abandoned} LIMIT ${limit}`,
      idColumn,
    );
    const pending = yield* query(
      Prisma.sql`SELECT "id" FROM "OutboxMessage" WHERE ${due.pending} ORDER BY "nextAttemptAt" LIMIT ${limit}`,
      idColumn,
    );
    return [...abandoned, ...pending].slice(0, limit).map((row) => row.id);
  });
  if (ids.length === 0) return report;
  const claimedUntil = new Date(now.getTime() + LEASE_MS);
  // The claim checks again, row by row, that each is still due: of two workers, only one claims a row.
  const claimed = await runOneWrite(() =>
    query(
      Prisma.sql`
      UPDATE "OutboxMessage" SET "status" = 'sending', "claimedUntil" = ${claimedUntil}
      WHERE "id" IN (${Prisma.join(ids)}) AND ((${due.pending}) OR (${due.abandoned}))
      RETURNING "id", "kind", "recipient", "payload", "attempts"`,
      claimedColumns,
    ),
  );
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
    const sentAt = new Date();
    // One statement: a delivered sign-in link must not stay readable in the database (or on the staff page).
    await runOneWrite(() =>
      execute(Prisma.sql`
        UPDATE "OutboxMessage"
        SET "status" = 'sent', "sentAt" = ${sentAt}, "attempts" = "attempts" + 1, "claimedUntil" = NULL, "lastError" = NULL,
            "payload" = CASE WHEN "kind" = 'auth.sign_in_link' THEN ${JSON.stringify({ redacted: true })} ELSE "payload" END
        WHERE "id" IN (${Prisma.join(sent.map((row) => row.id))})`),
    );
    report.sent = sent.length;
  }
  return report;
}
