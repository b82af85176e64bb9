import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { completeCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { getDb } from "@/lib/server/db";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { dryRunRegistration } from "@/lib/server/staff/dry-run-registration";
import { listGuestCheckouts } from "@/lib/server/staff/list-guest-checkouts";
import { createBusiness, createCheckout } from "@/test/factories";
import { callRegister, randomIp } from "@/test/register-client";

/**
 * A declined order is not an issued invoice and not a pending payment: it takes no invoice number, staff see it
 * as declined everywhere, and its completion link says so (docs/contract.md §2, §3.1 step 6, §4.3).
 */

const db = getDb();

async function numberOf(invoiceId: number) {
  return (await db.invoice.findUniqueOrThrow({ where: { id: invoiceId }, select: { number: true, issuedAt: true } }))
    .number;
}

describe("declined checkouts and invoice numbers", () => {
  it("numbers run without gaps over issued invoices: a declined or unpaid order takes none, a paid one the next", async () => {
    const business = await createBusiness();
    const year = new Date().getUTCFullYear();
    const first = await createCheckout({ businessId: business.id });
    const declined = await createCheckout({ businessId: business.id, declined: true });
    const pending = await createCheckout({ businessId: business.id, unpaid: true });
    const second = await createCheckout({ businessId: business.id });

    expect(await numberOf(first.invoiceId)).toBe(`TST-${year}-000001`);
    expect(await numberOf(declined.invoiceId)).toBeNull();
    expect(await numberOf(pending.invoiceId)).toBeNull();
    expect(await numberOf(second.invoiceId)).toBe(`TST-${year}-000002`);

    // The pending order is numbered when it is paid, and dated then.
    const payment = await db.payment.findFirstOrThrow({
      where: { invoiceId: pending.invoiceId },
      select: { provider: true, reference: true },
    });
    const paidAt = new Date();
    await completeCheckoutPayment({ invoiceId: pending.invoiceId, ...payment, now: paidAt });
    expect(
      await db.invoice.findUniqueOrThrow({
        where: { id: pending.invoiceId },
        select: { number: true, issuedAt: true },
      }),
    ).toEqual({
      number: `TST-${year}-000003`,
      issuedAt: paidAt,
    });
  });

  it("concurrent payments of one business never share a number and leave none out", async () => {
    const business = await createBusiness();
    const unpaid = await Promise.all(
      Array.from({ length: 8 }, () => createCheckout({ businessId: business.id, unpaid: true })),
    );
    const payments = await db.payment.findMany({
      where: { invoiceId: { in: unpaid.map((checkout) => checkout.invoiceId) } },
      select: { invoiceId: true, provider: true, reference: true },
    });
    await Promise.all(payments.map((payment) => completeCheckoutPayment(payment)));
    const numbers = (await db.invoice.findMany({ where: { businessId: business.id }, select: { number: true } }))
      .map((invoice) => invoice.number)
      .sort();
    expect(numbers).toEqual(
      Array.from(
        { length: 8 },
        (_, index) => `TST-${new Date().getUTCFullYear()}-${String(index + 1).padStart(6, "0")}`,
      ),
    );
  });

  it("staff see a declined checkout as declined in the list, its filter and its detail, not as pending payment", async () => {
    const business = await createBusiness();
    const declined = await createCheckout({
      businessId: business.id,
      declined: true,
      email: `declined-${randomBytes(3).toString("hex")}@example.com`,
    });
    const pending = await createCheckout({ businessId: business.id, unpaid: true });

    const all = await listGuestCheckouts({ businessId: business.id });
    expect(Object.fromEntries(all.rows.map((row) => [row.id, row.status]))).toEqual({
      [declined.basketSessionId]: "declined",
      [pending.basketSessionId]: "pending_payment",
    });
    expect(
      (await listGuestCheckouts({ businessId: business.id, status: "declined" })).rows.map((row) => row.id),
    ).toEqual([declined.basketSessionId]);
    expect(
      (await listGuestCheckouts({ businessId: business.id, status: "pending_payment" })).rows.map((row) => row.id),
    ).toEqual([pending.basketSessionId]);
    expect((await listGuestCheckouts({ businessId: business.id, status: "expired" })).rows).toEqual([]);

    const detail = await getGuestCheckoutOrThrow({
      businessId: business.id,
      basketSessionId: declined.basketSessionId,
    });
    expect(detail.status).toBe("declined");
    expect(detail.invoice?.number).toBeNull();
    expect(detail.auditEvents.map((event) => event.type)).toEqual(["checkout.created", "checkout.declined"]);

    // Still declined once its link's time has run out: staff need to know it was declined, not that it lapsed.
    const later = new Date(Date.now() + 7 * 24 * 3_600_000);
    expect(
      (await listGuestCheckouts({ businessId: business.id, status: "declined", now: later })).rows.map((row) => row.id),
    ).toEqual([declined.basketSessionId]);
    expect(
      (await listGuestCheckouts({ businessId: business.id, status: "expired", now: later })).rows.map((row) => row.id),
    ).toEqual([pending.basketSessionId]);
  });

  it("registerByToken answers a declined checkout 402 payment_declined without Retry-After, and the dry run says the same", async () => {
    const checkout = await createCheckout({ declined: true });
    const ip = randomIp();
    const result = await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token,
      headers: { "x-forwarded-for": ip },
    });
    expect(result.status).toBe(402);
    expect(result.body).toMatchObject({ code: "payment_declined" });
    expect(result.headers.get("retry-after")).toBeNull();
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { consumedAt: true },
      }),
    ).toEqual({ consumedAt: null });

    const staff = await db.staffUser.create({
      data: {
        businessId: checkout.businessId,
        email: `staff-${randomBytes(4).toString("hex")}@example.com`,
        passwordHash: "x",
      },
      select: { id: true },
    });
    const outcome = await dryRunRegistration({
      staffUserId: staff.id,
      businessId: checkout.businessId,
      invoiceId: String(checkout.invoiceId),
      basketSession: checkout.token,
      clientIp: ip,
    });
    expect(outcome).toEqual({ kind: "refused", code: "payment_declined", status: 402 });
  });
});
