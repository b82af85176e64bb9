import "server-only";

import { execute, Prisma, runTransaction, type Statement } from "@/lib/server/db";

export type AuditEventType =
  | "registration.succeeded"
  | "registration.replayed"
  | "registration.refused"
  | "checkout.created"
  | "checkout.paid"
  | "checkout.declined"
  | "checkout.demo_created"
  | "invoice.pdf_downloaded"
  | "registration.previewed"
  | "registration.email_resent";

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
  await runTransaction(() => execute(auditEventInsert(event)));
}

/** The INSERT of an audit event, one plain statement (both databases), for Prisma or a transaction script. */
export function auditEventInsert(event: AuditEventInput): Statement {
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("type", "reason", "actor", "basketSessionId", "invoiceId", "customerId", "clientIp", "detail", "createdAt")
    VALUES (${event.type}, ${event.reason ?? null}, ${event.actor}, ${event.basketSessionId ?? null}, ${event.invoiceId ?? null},
            ${event.customerId ?? null}, ${event.clientIp ?? null}, ${event.detail ? JSON.stringify(event.detail) : null}, ${new Date()})`;
}
