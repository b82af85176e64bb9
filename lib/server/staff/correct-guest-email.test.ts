import { describe, expect, it } from "vitest";

import { listInvoicesForViewer } from "@/lib/server/billing/list-invoices-for-viewer";
import { hasPortalAccess } from "@/lib/server/auth/portal-access";
import { getDb } from "@/lib/server/db";
import { correctGuestEmail } from "@/lib/server/staff/correct-guest-email";
import { createBusiness, createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";

const db = getDb();
const STAFF = 9001;

const invoicesOf = async (email: string) =>
  (await listInvoicesForViewer({ kind: "customer", email })).map((invoice) => invoice.id);

describe("staff correct a mistyped guest address", () => {
  it("moves a registered checkout's invoice to the right address's new customer, withdraws the wrong one's access, sends the receipt again and audits who did it", async () => {
    const mistyped = uniqueEmail();
    const checkout = await createRegisteredCheckout({ email: mistyped });
    const right = uniqueEmail();
    expect(await invoicesOf(mistyped)).toEqual([checkout.invoiceId]);

    const corrected = await correctGuestEmail({
      staffUserId: STAFF,
      staffEmail: "desk@example.com",
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
      email: ` ${right.toUpperCase()} `,
      clientIp: "203.0.113.5",
    });
    expect(corrected).toEqual({ recipient: right, customer: "created" });

    expect(await invoicesOf(right)).toEqual([checkout.invoiceId]);
    expect(await invoicesOf(mistyped)).toEqual([]);
    expect(await hasPortalAccess(right)).toBe(true);
    expect(await hasPortalAccess(mistyped)).toBe(false);
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { guestEmail: true },
      }),
    ).toEqual({ guestEmail: right });
    expect(
      await db.invoice.findUniqueOrThrow({ where: { id: checkout.invoiceId }, select: { billedToEmail: true } }),
    ).toEqual({ billedToEmail: right });
    expect(await db.outboxMessage.findMany({ where: { recipient: right }, select: { kind: true } })).toEqual([
      { kind: "checkout.receipt" },
    ]);
    const [audit] = await db.auditEvent.findMany({
      where: { basketSessionId: checkout.basketSessionId, type: "checkout.email_corrected" },
    });
    expect(audit).toMatchObject({ actor: `staff:${STAFF}`, clientIp: "203.0.113.5" });
    expect(JSON.parse(audit!.detail!)).toEqual({
      by: "desk@example.com",
      from: mistyped,
      to: right,
      customer: "created",
      receiptResent: true,
    });
  });

  it("links the right address's existing customer, and leaves the wrong one its access when it bought something else too", async () => {
    const business = await createBusiness();
    const right = await createRegisteredCheckout({ businessId: business.id, email: uniqueEmail() });
    const mistyped = uniqueEmail();
    const ownPurchase = await createRegisteredCheckout({ businessId: business.id, email: mistyped });
    const checkout = await createRegisteredCheckout({ businessId: business.id, email: mistyped });

    const corrected = await correctGuestEmail({
      staffUserId: STAFF,
      staffEmail: "desk@example.com",
      businessId: business.id,
      basketSessionId: checkout.basketSessionId,
      email: right.email,
      clientIp: "203.0.113.5",
    });
    expect(corrected).toEqual({ recipient: right.email, customer: "linked" });
    expect((await invoicesOf(right.email)).sort()).toEqual([right.invoiceId, checkout.invoiceId].sort());
    expect(await invoicesOf(mistyped)).toEqual([ownPurchase.invoiceId]);
    expect(await hasPortalAccess(mistyped)).toBe(true);
  });

  it("withdraws the wrong address's access once its last mistyped checkout is corrected, whichever gave it access", async () => {
    const business = await createBusiness();
    const mistyped = uniqueEmail();
    const first = await createRegisteredCheckout({ businessId: business.id, email: mistyped });
    const second = await createRegisteredCheckout({ businessId: business.id, email: mistyped });
    const correct = (basketSessionId: number) =>
      correctGuestEmail({
        staffUserId: STAFF,
        staffEmail: "desk@example.com",
        businessId: business.id,
        basketSessionId,
        email: uniqueEmail(),
        clientIp: "203.0.113.5",
      });
    await correct(first.basketSessionId);
    expect(await hasPortalAccess(mistyped)).toBe(true);
    await correct(second.basketSessionId);
    expect(await invoicesOf(mistyped)).toEqual([]);
    expect(await hasPortalAccess(mistyped)).toBe(false);
  });

  it("changes only the address of a checkout not registered yet: the account is made for the right one later", async () => {
    const checkout = await createCheckout({ email: uniqueEmail() });
    const right = uniqueEmail();
    expect(
      await correctGuestEmail({
        staffUserId: STAFF,
        staffEmail: "desk@example.com",
        businessId: checkout.businessId,
        basketSessionId: checkout.basketSessionId,
        email: right,
        clientIp: "203.0.113.5",
      }),
    ).toEqual({
      recipient: right,
      customer: "unregistered",
    });
    expect(await db.customer.count({ where: { email: right } })).toBe(0);
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { guestEmail: true },
      }),
    ).toEqual({ guestEmail: right });
  });

  it("finds no checkout of another business, and refuses an invalid address, changing nothing", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    const other = await createBusiness();
    await expect(
      correctGuestEmail({
        staffUserId: STAFF,
        staffEmail: "desk@example.com",
        businessId: other.id,
        basketSessionId: checkout.basketSessionId,
        email: uniqueEmail(),
        clientIp: "203.0.113.5",
      }),
    ).rejects.toMatchObject({ code: "not_found" });
    for (const email of ["not an address", "", null, "a@b", `${"x".repeat(300)}@example.com`]) {
      await expect(
        correctGuestEmail({
          staffUserId: STAFF,
          staffEmail: "desk@example.com",
          businessId: checkout.businessId,
          basketSessionId: checkout.basketSessionId,
          email,
          clientIp: "203.0.113.5",
        }),
      ).rejects.toMatchObject({ code: "bad_request" });
    }
    expect(await invoicesOf(checkout.email)).toEqual([checkout.invoiceId]);
    expect(
      await db.auditEvent.count({
        where: { basketSessionId: checkout.basketSessionId, type: "checkout.email_corrected" },
      }),
    ).toBe(0);
  });
});
