import "server-only";

import type { Tx } from "@/lib/server/db";

/** The registration e-mails of SPEC §3.5. */
export type OutboxKind = "registration.new_customer" | "registration.existing_customer";

export interface RegistrationMailPayload {
  businessId: number;
  customerId: number;
  invoiceId: number;
  invoiceNumber: string;
}

/**
 * Queues an e-mail in the transactional outbox. Always called inside the transaction of the change it
 * announces, so the mail is sent if and only if the change committed.
 */
export async function enqueueMail(
  tx: Tx,
  message: { kind: OutboxKind; recipient: string; payload: RegistrationMailPayload },
): Promise<void> {
  await tx.outboxMessage.create({
    data: { kind: message.kind, recipient: message.recipient, payload: JSON.stringify(message.payload) },
    select: { id: true },
  });
}
