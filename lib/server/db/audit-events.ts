import "server-only";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { Prisma } from "@/lib/generated/sqlite/client";
import { execute, type Statement } from "@/lib/server/db/script";
import { runOneWrite } from "@/lib/server/db/transaction";

/** The audit trail's store: one row per event, written with the change it records or on its own. */

/** Every kind of audit event the app writes (the staff's audit trail has a sentence for each). */
export const AUDIT_EVENT_TYPES = [
  "registration.succeeded",
  "registration.replayed",
  "registration.refused",
  "registration.redeemed",
  "checkout.created",
  "checkout.paid",
  "checkout.declined",
  "payment.refund_due",
  "payment.event_received",
  "checkout.demo_created",
  "invoice.pdf_downloaded",
  "registration.previewed",
  "registration.email_resent",
  "checkout.email_corrected",
] as const;

type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

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

type AuditEventRow = {
  type: string;
  reason: string | null;
  actor: string;
  basketSessionId: number | null;
  invoiceId: number | null;
  customerId: number | null;
  clientIp: string | null;
  detail: string | null;
  createdAt: Date;
};

const insertAuditEvent = prepare((p: Parameters<AuditEventRow>) =>
  sqlBuilder.insertInto("AuditEvent").values({
    type: p.type,
    reason: p.reason,
    actor: p.actor,
    basketSessionId: p.basketSessionId,
    invoiceId: p.invoiceId,
    customerId: p.customerId,
    clientIp: p.clientIp,
    detail: p.detail,
    createdAt: p.createdAt,
  }),
);

/** The INSERT of an audit event, one plain statement (both databases), a step of a transaction script. */
export function auditEventInsert(event: AuditEventInput): Statement {
  return insertAuditEvent({
    type: event.type,
    reason: event.reason ?? null,
    actor: event.actor,
    basketSessionId: event.basketSessionId ?? null,
    invoiceId: event.invoiceId ?? null,
    customerId: event.customerId ?? null,
    clientIp: event.clientIp ?? null,
    detail: event.detail === undefined ? null : JSON.stringify(event.detail),
    createdAt: new Date(),
  });
}

const AUDIT_EVENT_COLUMNS = Prisma.sql`"type", "reason", "actor", "basketSessionId", "invoiceId", "customerId", "clientIp", "detail", "createdAt"`;

/** An audit event whose values may also be SQL expressions over the rows an INSERT … SELECT reads. */
type AuditEventExpressions = { [K in keyof AuditEventInput]: AuditEventInput[K] | Prisma.Sql };

/** PostgreSQL: the INSERT of an audit event for each row of `from` (a CTE, in a statement of several changes). */
export function auditEventInsertFrom(from: Prisma.Sql, event: AuditEventExpressions): Prisma.Sql {
  const detail =
    event.detail === undefined || event.detail instanceof Prisma.Sql
      ? (event.detail ?? null)
      : JSON.stringify(event.detail);
  return Prisma.sql`INSERT INTO "AuditEvent" (${AUDIT_EVENT_COLUMNS}) SELECT ${event.type}, ${event.reason ?? null}, ${event.actor},
    ${event.basketSessionId ?? null}, ${event.invoiceId ?? null}, ${event.customerId ?? null}, ${event.clientIp ?? null}, ${detail}, ${new Date()}
    FROM ${from}`;
}
