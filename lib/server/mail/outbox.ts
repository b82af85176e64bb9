import "server-only";

import { execute, Prisma, runOneWrite, type Statement } from "@/lib/server/db";

/**
 * The e-mails the app sends: the receipt queued at payment (docs/contract.md §3.7), the two registration e-mails of
 * §3.5 and the portal's sign-in link.
 */
export type OutboxKind =
  "checkout.receipt" | "registration.new_customer" | "registration.existing_customer" | "auth.sign_in_link";

/** The receipt: the invoice it is for, in the language of the checkout. */
export interface ReceiptMailPayload {
  businessId: number;
  invoiceId: number;
  invoiceNumber: string;
  locale: string;
}

export interface RegistrationMailPayload {
  businessId: number;
  customerId: number;
  invoiceId: number;
  invoiceNumber: string;
  /** The language of the checkout, which the e-mail is written in (absent on e-mails queued before there was one: English). */
  locale?: string;
}

export interface SignInLinkPayload {
  /** The link's token and the code, sealed (sign-in-challenge.ts): the database never holds them in the clear. */
  sealed: string;
  expiresAt: string;
  /** The customer's language (absent on links queued before there was one: English). */
  locale?: string;
}

export type OutboxMessageInput =
  | { kind: "checkout.receipt"; recipient: string; payload: ReceiptMailPayload }
  | {
      kind: "registration.new_customer" | "registration.existing_customer";
      recipient: string;
      payload: RegistrationMailPayload;
    }
  | { kind: "auth.sign_in_link"; recipient: string; payload: SignInLinkPayload };

/** Queues an e-mail on its own; the mail worker delivers it. */
export async function enqueueMail(message: OutboxMessageInput): Promise<void> {
  await runOneWrite(() => execute(mailInsert(message)));
}

const OUTBOX_COLUMNS = Prisma.sql`"kind", "recipient", "businessId", "payload", "status", "attempts", "nextAttemptAt", "createdAt"`;

/**
 * The INSERT of an outbox row, for Prisma or a transaction script. As a step of the script of the change it
 * announces, the mail is sent if and only if the change committed (a transactional outbox).
 */
export function mailInsert(message: OutboxMessageInput): Statement {
  const businessId = message.kind === "auth.sign_in_link" ? null : message.payload.businessId;
  const now = new Date();
  return Prisma.sql`
    INSERT INTO "OutboxMessage" (${OUTBOX_COLUMNS})
    VALUES (${message.kind}, ${message.recipient}, ${businessId}, ${JSON.stringify(message.payload)}, 'pending', 0, ${now}, ${now})`;
}

/**
 * PostgreSQL: the registration e-mail of the customer that the same statement created or linked, from `customer`,
 * a CTE with the customer's "id" and whether the statement "created" it (which decides the kind of e-mail).
 */
export function registrationMailInsertFrom(
  customer: Prisma.Sql,
  message: { recipient: string; payload: Omit<RegistrationMailPayload, "customerId"> },
): Statement {
  const now = new Date();
  const payload = { ...message.payload, customerId: 0 } satisfies RegistrationMailPayload;
  return Prisma.sql`
    INSERT INTO "OutboxMessage" (${OUTBOX_COLUMNS})
    SELECT CASE WHEN c."created" THEN ${"registration.new_customer" satisfies OutboxKind} ELSE ${"registration.existing_customer" satisfies OutboxKind} END,
           ${message.recipient}, ${message.payload.businessId}, jsonb_set(${JSON.stringify(payload)}::jsonb, '{customerId}', to_jsonb(c."id"))::text,
           'pending', 0, ${now}, ${now}
    FROM ${customer} c`;
}
