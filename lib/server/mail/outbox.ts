import "server-only";

import type { Statement } from "@/lib/server/db";
import { outboxInsert } from "@/lib/server/db/outbox";

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
  /**
   * The business whose brand the e-mail carries: that of the address's latest checkout (absent on links queued
   * before there was one: the portal's own). The row itself belongs to no business, as the staff's outbox shows.
   */
  businessId?: number;
}

type OutboxMessageInput =
  | { kind: "checkout.receipt"; recipient: string; payload: ReceiptMailPayload }
  | {
      kind: "registration.new_customer" | "registration.existing_customer";
      recipient: string;
      payload: RegistrationMailPayload;
    }
  | { kind: "auth.sign_in_link"; recipient: string; payload: SignInLinkPayload };

/**
 * The queuing of an e-mail, for a transaction script: as a step of the script of the change it announces, the mail
 * is sent if and only if the change committed (a transactional outbox). The portal's own e-mails (sign-in links)
 * belong to no business.
 */
export function mailInsert(message: OutboxMessageInput): Statement {
  const businessId = message.kind === "auth.sign_in_link" ? null : message.payload.businessId;
  return outboxInsert({
    kind: message.kind,
    recipient: message.recipient,
    businessId,
    payload: JSON.stringify(message.payload),
  });
}

/** The kinds of registration e-mail: to a customer the registration created, and to one it linked. */
export const REGISTRATION_MAIL_KINDS = {
  created: "registration.new_customer",
  linked: "registration.existing_customer",
} as const satisfies Record<"created" | "linked", OutboxKind>;
