import "server-only";

import type { Db, Tx } from "@/lib/server/db";

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
  await db.auditEvent.create({
    data: {
      type: event.type,
      actor: event.actor,
      reason: event.reason ?? null,
      basketSessionId: event.basketSessionId ?? null,
      invoiceId: event.invoiceId ?? null,
      customerId: event.customerId ?? null,
      clientIp: event.clientIp ?? null,
      detail: event.detail ? JSON.stringify(event.detail) : null,
    },
    select: { id: true },
  });
}
