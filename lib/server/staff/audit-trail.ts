import "server-only";

import type { Locale } from "@/lib/i18n/locales";
import { translatorFor } from "@/lib/i18n/translator";
import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";

/**
 * A checkout's audit trail in words: each event as a sentence in the staff's language, built from its code, its
 * reason and its details ("Registration refused: the link was already used."), with who did it, and the raw
 * record (code, reason, details as JSON) for whoever needs it. Nothing is shown that the event does not hold.
 */

/** An audit event as the checkout's page reads it. */
export interface AuditEventRecord {
  id: number;
  type: string;
  reason: string | null;
  actor: string;
  clientIp: string | null;
  detail: string | null;
  createdAt: Date;
  customerId: number | null;
}

export interface AuditTrailEntry {
  id: number;
  at: Date;
  /** What happened, in a sentence or two. */
  sentence: string;
  /** Who did it: the guest, the server, a staff member ("You" for the one reading), a customer. */
  by: string;
  clientIp: string | null;
  /** The record as stored: its code, its reason, and its details as indented JSON. */
  raw: { type: string; reason: string | null; detail: string | null };
}

type Translate = Awaited<ReturnType<typeof translatorFor<"staff">>>;
type Detail = Record<string, unknown>;

function detailOf(event: AuditEventRecord): Detail {
  if (!event.detail) return {};
  try {
    const parsed: unknown = JSON.parse(event.detail);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Detail) : {};
  } catch {
    return {};
  }
}

/** The details as indented JSON, or as stored when they are not JSON. */
function pretty(detail: string): string {
  try {
    return JSON.stringify(JSON.parse(detail), null, 2);
  } catch {
    return detail;
  }
}

/** A detail's value as text for a message's argument or select ("other" when it has none). */
function text(value: unknown, fallback = "other"): string {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean"
    ? String(value)
    : fallback;
}

/** "guest", "system", "staff:3", "customer:5" in words; the staff member reading is "You". */
function actorWords(actor: string, t: Translate, viewerStaffUserId?: number): string {
  const [kind, id] = actor.split(":");
  if (kind === "staff" && id !== undefined)
    return t("audit.actor", { actor: Number(id) === viewerStaffUserId ? "you" : "staff", id });
  if (kind === "customer" && id !== undefined) return t("audit.actor", { actor: "customer", id });
  return t("audit.actor", { actor, id: "" });
}

/** Why a registration was (or would be) refused, from its problem code. */
function refusal(code: string | null, t: Translate): string {
  return t("audit.refusal", { code: code ?? "other" });
}

/** What the event says happened, from its code, reason and details. */
export function sentenceOf(event: AuditEventRecord, t: Translate): string {
  const detail = detailOf(event);
  switch (event.type) {
    case "checkout.created":
      return t("audit.event.checkoutCreated");
    case "checkout.paid":
      return t("audit.event.checkoutPaid");
    case "checkout.declined":
      return t("audit.event.checkoutDeclined");
    case "payment.refund_due":
      return t("audit.event.refundDue", { reference: text(detail.reference, "—") });
    case "payment.event_received":
      return t("audit.event.providerEvent");
    case "checkout.demo_created":
      return t("audit.event.demoCreated");
    case "invoice.pdf_downloaded":
      return t("audit.event.pdfDownloaded", { via: detail.via === "invoice-token" ? "token" : "session" });
    case "registration.succeeded":
      return t("audit.event.registered", {
        by: text(detail.by),
        customer: text(detail.customer),
        customerId: text(event.customerId, "?"),
      });
    case "registration.replayed":
      return t("audit.event.replayed");
    case "registration.refused":
      return t("audit.event.refused", { reason: refusal(event.reason, t) });
    case "registration.redeemed":
      return t("audit.event.redeemed");
    case "registration.previewed":
      return t("audit.event.previewed", { outcome: text(detail.outcome), reason: refusal(event.reason, t) });
    case "registration.email_resent":
      return t("audit.event.emailResent");
    case "checkout.email_corrected":
      return [
        t("audit.event.emailCorrected", { from: text(detail.from, "—"), to: text(detail.to, "—") }),
        t("audit.event.emailCorrectedCustomer", { customer: text(detail.customer) }),
        ...(detail.receiptResent === true ? [t("audit.event.receiptResent")] : []),
      ].join(" ");
    default:
      return t("audit.event.unknown", { type: event.type });
  }
}

/** The events of a checkout in words, in the given language (the staff page's). */
export async function describeAuditTrail(
  events: readonly AuditEventRecord[],
  locale: Locale,
  viewerStaffUserId?: number,
): Promise<AuditTrailEntry[]> {
  const t = await translatorFor(locale, "staff");
  return events.map((event) => ({
    id: event.id,
    at: event.createdAt,
    sentence: sentenceOf(event, t),
    by: actorWords(event.actor, t, viewerStaffUserId),
    clientIp: event.clientIp,
    raw: { type: event.type, reason: event.reason, detail: event.detail === null ? null : pretty(event.detail) },
  }));
}

/**
 * The newest audit event of one of the business's checkouts (its id, null when it has none), which the checkout's
 * page polls to show new events without a reload. Not found for another business's checkout.
 */
export async function latestAuditEventOf(input: {
  businessId: number;
  basketSessionId: number;
}): Promise<{ latestEventId: number | null }> {
  const basket = await getDb().basketSession.findFirst({
    where: { id: input.basketSessionId, businessId: input.businessId },
    select: { auditEvents: { orderBy: { id: "desc" }, take: 1, select: { id: true } } },
  });
  if (!basket) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
  return { latestEventId: basket.auditEvents[0]?.id ?? null };
}
