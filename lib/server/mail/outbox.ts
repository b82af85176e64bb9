import "server-only";

import { type Db, Prisma, type Tx } from "@/lib/server/db";
import type { Statement } from "@/lib/server/sql/script";

/** The e-mails the app sends: the two registration e-mails of SPEC §3.5 and the portal's sign-in link. */
export type OutboxKind = "registration.new_customer" | "registration.existing_customer" | "auth.sign_in_link";

export interface RegistrationMailPayload {
  businessId: number;
  customerId: number;
  invoiceId: number;
  invoiceNumber: string;
}

export interface SignInLinkPayload {
  url: string;
  expiresAt: string;
}

export type OutboxMessageInput =
  | { kind: "registration.new_customer" | "registration.existing_customer"; recipient: string; payload: RegistrationMailPayload }
  | { kind: "auth.sign_in_link"; recipient: string; payload: SignInLinkPayload };

/**
 * Queues an e-mail in the transactional outbox. Inside the transaction of the change it announces, the mail
 * is sent if and only if the change committed. The mail worker delivers it.
 */
export async function enqueueMail(db: Db | Tx, message: OutboxMessageInput): Promise<void> {
  await db.$executeRaw(mailInsert(message));
}

/** The INSERT of an outbox row, for Prisma or a transaction script. */
export function mailInsert(message: OutboxMessageInput): Statement {
  const businessId = message.kind === "auth.sign_in_link" ? null : message.payload.businessId;
  const now = new Date();
  return Prisma.sql`
    INSERT INTO "OutboxMessage" ("kind", "recipient", "businessId", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    VALUES (${message.kind}, ${message.recipient}, ${businessId}, ${JSON.stringify(message.payload)}, 'pending', 0, ${now}, ${now})`;
}
