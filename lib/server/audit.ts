import "server-only";

import { type Db, Prisma, type Tx } from "@/lib/server/db";
import type { Statement } from "@/lib/server/sql/script";

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

/** Records an audit event; pass the transaction when the event must stand or fall with a change. */
export async function recordAuditEvent(db: Db | Tx, event: AuditEventInput): Promise<void> {
  await db.$executeRaw(auditEventInsert(event));
}

/** The INSERT of an audit event, one plain statement (both databases), for Prisma or a transaction script. */
export function auditEventInsert(event: AuditEventInput): Statement {
  return Prisma.sql`
    INSERT INTO "AuditEvent" ("type", "reason", "actor", "basketSessionId", "invoiceId", "customerId", "clientIp", "detail", "createdAt")
    VALUES (${event.type}, ${event.reason ?? null}, ${event.actor}, ${event.basketSessionId ?? null}, ${event.invoiceId ?? null},
            ${event.customerId ?? null}, ${event.clientIp ?? null}, ${event.detail ? JSON.stringify(event.detail) : null}, ${new Date()})`;
}
