import { getConfig } from "@/lib/config";
import { execute, Prisma, runTransaction } from "@/lib/server/db";
import { deliverOutbox } from "@/lib/server/mail/deliver-outbox";

import { readOutbox, type OutboxMail } from "./mail-outbox";

/**
 * Delivers the queued mail of `recipient` alone (other tests queue mail too: theirs is postponed) and returns every
 * e-mail written to `recipient` so far, oldest first.
 */
export async function deliverMailTo(recipient: string): Promise<OutboxMail[]> {
  await runTransaction(() =>
    execute(Prisma.sql`
      UPDATE "OutboxMessage" SET "nextAttemptAt" = ${new Date("2100-01-01")}
      WHERE "status" = 'pending' AND "recipient" <> ${recipient}`),
  );
  await deliverOutbox();
  return (await readOutbox(getConfig().mail.outboxDir)).filter((mail) => mail.to === recipient);
}
