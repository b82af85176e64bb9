import "server-only";

import { execute, Prisma, runOneWrite, type Statement } from "@/lib/server/db";

export type AuditEventType =
  | "registration.succeeded"
  | "registration.replayed"
  | "registration.refused"
  | "registration.redeemed"
  | "checkout.created"
  | "checkout.paid"
  | "checkout.declined"
  | "payment.refund_due"
  | "payment.event_received"
  | "checkout.demo_created"
  | "invoice.pdf_downloaded"
  | "registration.previewed"
  | "registration.email_resent"
  | "checkout.email_corrected";

export interface AuditEventInput {
  type: AuditEventType;
  actor: "guest" | "system" | `customer:${number}` | `staff:${number}`;
  reason?: string;
  basketSessionId?: number;
  invoiceId?: number;
  customerId?: number;
  clientIp?: string;
  detail?: Record<string, string | number | boolean>;
}

/** Records an audit event on its own. An event that must stand or fall with a change is a step of its script. */
export async function recordAuditEvent(event: AuditEventInput): Promise<void> {
  await runOneWrite(() => execute(auditEventInsert(event)));
}

const AUDIT_EVENT_COLUMNS = Prisma.sql`"type", "reason", "actor", "basketSessionId", "invoiceId", "customerId", "clientIp", "detail", "createdAt"`;

/** An audit event whose values may also be SQL expressions over the rows an INSERT … SELECT reads. */
export type AuditEventExpressions = { [K in keyof AuditEventInput]: AuditEventInput[K] | Prisma.Sql };

function auditEventValues(event: AuditEventExpressions): Prisma.Sql {
  const detail =
    event.detail === undefined || event.detail instanceof Prisma.Sql
      ? (event.detail ?? null)
      : JSON.stringify(event.detail);
  return Prisma.sql`${event.type}, ${event.reason ?? null}, ${event.actor}, ${event.basketSessionId ?? null}, ${event.invoiceId ?? null},
    ${event.customerId ?? null}, ${event.clientIp ?? null}, ${detail}, ${new Date()}`;
}

/** The INSERT of an audit event, one plain statement (both databases), for Prisma or a transaction script. */
export function auditEventInsert(event: AuditEventInput): Statement {
  return Prisma.sql`INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMNS}) VALUES (${auditEventValues(event)})`;
}

/** The INSERT of an audit event for each row of `from` (a CTE, in a statement of several changes). */
export function auditEventInsertFrom(from: Prisma.Sql, event: AuditEventExpressions): Statement {
  return Prisma.sql`INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMNS}) SELECT ${auditEventValues(event)} FROM ${from}`;
}
