import { describe, expect, it } from "vitest";

import { LOCALES, type Locale } from "@/lib/i18n/locales";
import { recordAuditEvent, AUDIT_EVENT_TYPES } from "@/lib/server/db/audit-events";
import { type AuditEventRecord, describeAuditTrail, latestAuditEventOf } from "@/lib/server/staff/audit-trail";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { createBusiness, createRegisteredCheckout } from "@/test/factories";
import { callRegister } from "@/test/register-client";

/** One record of each kind, with the details the app writes for it. */
function recordOf(type: string, overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
  const details: Record<string, object> = {
    "registration.succeeded": { customer: "created", by: "guest", idempotencyKey: true },
    "payment.refund_due": { provider: "test", reference: "pay_123" },
    "checkout.demo_created": { unpaid: false, declined: true, expired: false },
    "invoice.pdf_downloaded": { via: "invoice-token", tokenId: "t1" },
    "registration.previewed": { outcome: "would_create_customer" },
    "checkout.email_corrected": {
      by: "staff@example.com",
      from: "ada@example.com",
      to: "ada.l@example.com",
      customer: "created",
      receiptResent: true,
    },
  };
  return {
    id: 1,
    type,
    reason: type === "registration.refused" ? "basket_token_expired" : null,
    actor: "guest",
    clientIp: "10.1.2.3",
    detail: details[type] ? JSON.stringify(details[type]) : null,
    createdAt: new Date("2026-12-01T10:00:00Z"),
    customerId: 42,
    ...overrides,
  };
}

async function sentence(record: AuditEventRecord, locale: Locale = "en", viewer?: number) {
  const [entry] = await describeAuditTrail([record], locale, viewer);
  return entry!;
}

describe("the audit trail in words", () => {
  it("says why a registration was refused, in each language, and keeps the record as stored", async () => {
    const checkout = await createRegisteredCheckout();
    const again = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    expect(again.body.code).toBe("basket_token_used");
    const { auditEvents } = await getGuestCheckoutOrThrow({
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
    });

    const expected: Record<Locale, { sentence: string; by: string }> = {
      en: { sentence: "Registration refused: the link was already used.", by: "Guest" },
      de: { sentence: "Registrierung abgelehnt: der Link war schon benutzt.", by: "Gast" },
      fr: { sentence: "Enregistrement refusé : le lien avait déjà servi.", by: "Invité" },
      es: { sentence: "Registro rechazado: el enlace ya se había usado.", by: "Invitado" },
    };
    for (const locale of LOCALES) {
      const trail = await describeAuditTrail(auditEvents, locale);
      const refused = trail.find((entry) => entry.raw.type === "registration.refused");
      expect(refused, locale).toMatchObject({ ...expected[locale], raw: { reason: "basket_token_used" } });
    }

    const [registered] = (await describeAuditTrail(auditEvents, "en")).filter(
      (entry) => entry.raw.type === "registration.succeeded",
    );
    const customerId = auditEvents.find((event) => event.type === "registration.succeeded")!.customerId;
    expect(registered!.sentence).toBe(
      `Registered by the guest’s completion page: new customer #${customerId} created.`,
    );
    expect(JSON.parse(registered!.raw.detail!)).toEqual({ customer: "created", by: "guest", idempotencyKey: false });
  });

  it.each(LOCALES)("gives every kind of event the app writes a sentence of its own in %s", async (locale) => {
    const unknown = (await sentence(recordOf("something.new"), locale)).sentence;
    expect(unknown).toContain("something.new");
    const sentences = new Set<string>();
    for (const type of AUDIT_EVENT_TYPES) {
      const { sentence: words } = await sentence(recordOf(type), locale);
      expect(words, type).not.toBe(unknown.replace("something.new", type));
      expect(words, type).not.toContain(type);
      expect(words, type).not.toMatch(/[{}]|\bundefined\b|\bnull\b|\bother\b/);
      expect(words, type).toMatch(/\.$/);
      sentences.add(words);
    }
    expect(sentences.size).toBe(AUDIT_EVENT_TYPES.length);
  });

  it("reads each event's details: who registered, which customer, what a dry run found, what staff changed", async () => {
    const of = async (type: string, detail: object, overrides: Partial<AuditEventRecord> = {}) =>
      (await sentence(recordOf(type, { detail: JSON.stringify(detail), ...overrides }))).sentence;
    expect(await of("registration.succeeded", { customer: "linked", by: "server" })).toBe(
      "Registered by the server (no completion page did in time): invoice linked to existing customer #42.",
    );
    expect(await of("registration.previewed", { outcome: "refused" }, { reason: "payment_pending" })).toBe(
      "Dry run by staff: would be refused (the payment was not complete yet).",
    );
    expect(await of("payment.refund_due", { provider: "test", reference: "pay_9" })).toBe(
      "Refund due: payment pay_9 came after the invoice was already paid.",
    );
    expect(await of("invoice.pdf_downloaded", { via: "session" })).toBe("Invoice PDF downloaded while signed in.");
    expect(
      await of("checkout.email_corrected", { from: "a@example.com", to: "b@example.com", customer: "linked" }),
    ).toBe(
      "E-mail address corrected from a@example.com to b@example.com. The invoice moved to that address’s customer.",
    );
    expect((await sentence(recordOf("checkout.email_corrected"))).sentence).toBe(
      "E-mail address corrected from ada@example.com to ada.l@example.com. The invoice moved to a new customer. The receipt was sent again.",
    );
  });

  it("names who did it: the guest, the server, the staff member reading as “You”, a colleague by number", async () => {
    const by = async (actor: string, locale: Locale = "en") =>
      (await sentence(recordOf("checkout.created", { actor }), locale, 7)).by;
    expect(await by("guest")).toBe("Guest");
    expect(await by("system")).toBe("Server");
    expect(await by("staff:7")).toBe("You");
    expect(await by("staff:8")).toBe("Staff member #8");
    expect(await by("customer:12")).toBe("Customer #12");
    expect(await by("staff:8", "de")).toBe("Mitarbeiter #8");
  });

  it("keeps details that are not JSON as they were stored", async () => {
    const entry = await sentence(recordOf("checkout.created", { detail: "not json" }));
    expect(entry.raw).toEqual({ type: "checkout.created", reason: null, detail: "not json" });
    expect(entry.sentence).toBe("Order placed.");
  });
});

describe("the newest event of a checkout, which its page polls", () => {
  it("is the id of the checkout's newest event, changes with a new one, and is not found for another business", async () => {
    const checkout = await createRegisteredCheckout();
    const ask = { businessId: checkout.businessId, basketSessionId: checkout.basketSessionId };
    const { auditEvents } = await getGuestCheckoutOrThrow(ask);
    const before = await latestAuditEventOf(ask);
    expect(before.latestEventId).toBe(Math.max(...auditEvents.map((event) => event.id)));

    // Another checkout's event changes nothing here; this checkout's does.
    await createRegisteredCheckout({ businessId: checkout.businessId });
    expect(await latestAuditEventOf(ask)).toEqual(before);
    await recordAuditEvent({
      type: "registration.email_resent",
      actor: "staff:1",
      basketSessionId: ask.basketSessionId,
    });
    expect((await latestAuditEventOf(ask)).latestEventId).toBeGreaterThan(before.latestEventId!);

    const elsewhere = await createBusiness();
    await expect(latestAuditEventOf({ ...ask, businessId: elsewhere.id })).rejects.toMatchObject({ code: "not_found" });
  });
});
