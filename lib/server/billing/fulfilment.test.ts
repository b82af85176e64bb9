import { describe, expect, it } from "vitest";

import { verifyInvoiceToken } from "@/lib/server/tokens/invoice-token";
import { getConfig } from "@/lib/config";
import { fulfilDueCheckouts } from "@/lib/server/billing/fulfil-paid-checkouts";
import { getDb } from "@/lib/server/db";
import { deliverOutbox } from "@/lib/server/mail/deliver-outbox";
import { dryRunRegistration } from "@/lib/server/staff/dry-run-registration";
import { getGuestCheckoutOrThrow } from "@/lib/server/staff/get-guest-checkout";
import { createCheckout } from "@/test/factories";
import { readOutbox } from "@/test/mail-outbox";
import { readPdf } from "@/test/pdf-text";
import { callRegister } from "@/test/register-client";

/**
 * docs/contract.md §3.7: a guest who paid gets their receipt and their account whether or not their browser ever
 * comes back, and their link still works afterwards.
 */
const db = getDb();
const graceMs = () => getConfig().fulfilment.graceSeconds * 1000;
/** A moment after the grace period of a checkout paid now. */
const afterGrace = () => new Date(Date.now() + graceMs() + 1000);

async function outboxOf(email: string) {
  return db.outboxMessage.findMany({
    where: { recipient: email.toLowerCase() },
    orderBy: { id: "asc" },
    select: { kind: true },
  });
}

async function succeededAuditsOf(basketSessionId: number) {
  return db.auditEvent.findMany({
    where: { basketSessionId, type: "registration.succeeded" },
    select: { actor: true, detail: true },
  });
}

describe("fulfilment without the guest's browser", () => {
  it("queues the receipt, with the invoice attached, in the transaction that records the payment", async () => {
    const checkout = await createCheckout();
    expect(await outboxOf(checkout.email)).toEqual([{ kind: "checkout.receipt" }]);

    await deliverOutbox({ limit: 500 });
    const mail = (await readOutbox(getConfig().mail.outboxDir)).find(
      (candidate) => candidate.to === checkout.email && /receipt/i.test(candidate.subject),
    );
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: checkout.invoiceId }, select: { number: true } });
    expect(mail?.text).toContain(invoice.number!);
    expect(mail?.text).toMatch(/Total paid\s+£108\.00/);
    expect(mail?.attachments.map((attachment) => attachment.filename)).toEqual([`${invoice.number}.pdf`]);
    expect(readPdf(mail!.attachments[0]!.content).text).toContain(invoice.number!);
    // The receipt's link only shows a page: the portal's sign-in form for this address. Nothing is used up by it.
    expect(mail?.text).toMatch(/\/portal\/sign-in\?email=/);
    expect(mail?.text).not.toMatch(/registerByToken|basketSession/);
  });

  it("registers the guest itself once the grace period has passed, and not before", async () => {
    const checkout = await createCheckout();
    await fulfilDueCheckouts(new Date(Date.now() + graceMs() - 1000));
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { consumedAt: true },
      }),
    ).toEqual({ consumedAt: null });

    await fulfilDueCheckouts(afterGrace());
    const basket = await db.basketSession.findUniqueOrThrow({
      where: { id: checkout.basketSessionId },
      select: {
        consumedAt: true,
        registeredBy: true,
        redeemedAt: true,
        fulfilAt: true,
        invoice: { select: { customerId: true } },
      },
    });
    expect(basket).toMatchObject({
      consumedAt: expect.any(Date),
      registeredBy: "server",
      redeemedAt: null,
      fulfilAt: null,
    });
    const customer = await db.customer.findFirstOrThrow({
      where: { businessId: checkout.businessId, email: checkout.email },
      select: { id: true, portalAccessGrantedAt: true },
    });
    expect(basket.invoice?.customerId).toBe(customer.id);
    expect(customer.portalAccessGrantedAt).toEqual(expect.any(Date));
    expect(await succeededAuditsOf(checkout.basketSessionId)).toEqual([
      { actor: "system", detail: JSON.stringify({ customer: "created", by: "server" }) },
    ]);
    expect(await outboxOf(checkout.email)).toEqual([
      { kind: "checkout.receipt" },
      { kind: "registration.new_customer" },
    ]);
  });

  it("answers the first valid link after the server's registration with a token, and the next with basket_token_used", async () => {
    const checkout = await createCheckout();
    await fulfilDueCheckouts(afterGrace());
    const customer = await db.customer.findFirstOrThrow({
      where: { businessId: checkout.businessId, email: checkout.email },
      select: { id: true },
    });

    const first = await callRegister({
      invoiceId: checkout.invoiceId,
      token: checkout.token,
      headers: { "idempotency-key": "page-view-0001" },
    });
    expect(first.status).toBe(200);
    const claims = await verifyInvoiceToken({
      token: String(first.body.Token),
      invoiceId: checkout.invoiceId,
      scope: "invoice:pdf",
    });
    expect(claims.issuedFor(customer.id)).toBe(true);

    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).body.code).toBe(
      "basket_token_used",
    );
    // The page that redeemed it, retrying after a lost answer, gets its replay.
    expect(
      (
        await callRegister({
          invoiceId: checkout.invoiceId,
          token: checkout.token,
          headers: { "idempotency-key": "page-view-0001" },
        })
      ).status,
    ).toBe(200);
    // Nothing was registered twice: one customer, one success, one account e-mail; the redemption is audited.
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
    expect(await succeededAuditsOf(checkout.basketSessionId)).toHaveLength(1);
    expect(await outboxOf(checkout.email)).toEqual([
      { kind: "checkout.receipt" },
      { kind: "registration.new_customer" },
    ]);
    expect(
      await db.auditEvent.count({
        where: { basketSessionId: checkout.basketSessionId, type: "registration.redeemed" },
      }),
    ).toBe(1);
  });

  it("leaves a checkout the guest's page registered in time alone", async () => {
    const checkout = await createCheckout();
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).status).toBe(200);
    await fulfilDueCheckouts(afterGrace());
    expect(await succeededAuditsOf(checkout.basketSessionId)).toEqual([
      { actor: "guest", detail: expect.stringContaining('"by":"guest"') },
    ]);
    expect(await outboxOf(checkout.email)).toEqual([
      { kind: "checkout.receipt" },
      { kind: "registration.new_customer" },
    ]);
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).body.code).toBe(
      "basket_token_used",
    );
  });

  it("registers once when instances and the guest's page all try at the same moment", async () => {
    const checkout = await createCheckout();
    const now = afterGrace();
    const [page] = await Promise.all([
      callRegister({ invoiceId: checkout.invoiceId, token: checkout.token }),
      ...Array.from({ length: 5 }, () => fulfilDueCheckouts(now)),
    ]);
    expect(page.status).toBe(200);
    expect(await db.customer.count({ where: { businessId: checkout.businessId } })).toBe(1);
    expect(await succeededAuditsOf(checkout.basketSessionId)).toHaveLength(1);
    expect((await outboxOf(checkout.email)).filter((mail) => mail.kind.startsWith("registration."))).toHaveLength(1);
  });

  it("registers a paid checkout whose link has expired, and its link then answers basket_token_expired", async () => {
    const checkout = await createCheckout({ placedHoursAgo: getConfig().basketTtlHours + 1 });
    await fulfilDueCheckouts();
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { registeredBy: true },
      }),
    ).toEqual({ registeredBy: "server" });
    expect((await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token })).body.code).toBe(
      "basket_token_expired",
    );
  });

  it("links a returning customer without changing their details, and never touches an unpaid checkout", async () => {
    const first = await createCheckout({ name: "Ada Original" });
    await fulfilDueCheckouts(afterGrace());
    const second = await createCheckout({ businessId: first.businessId, email: first.email, name: "Someone Else" });
    const unpaid = await createCheckout({ businessId: first.businessId, unpaid: true });
    await fulfilDueCheckouts(afterGrace());

    const customers = await db.customer.findMany({
      where: { businessId: first.businessId },
      select: { fullName: true },
    });
    expect(customers).toEqual([{ fullName: "Ada Original" }]);
    expect(await succeededAuditsOf(second.basketSessionId)).toEqual([
      { actor: "system", detail: JSON.stringify({ customer: "linked", by: "server" }) },
    ]);
    expect(
      await db.basketSession.findUniqueOrThrow({ where: { id: unpaid.basketSessionId }, select: { consumedAt: true } }),
    ).toEqual({ consumedAt: null });
  });

  it("tells staff when the server registers a checkout, and that it did", async () => {
    const checkout = await createCheckout();
    const waiting = await getGuestCheckoutOrThrow({
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
    });
    expect(waiting.fulfilment).toEqual({ kind: "waiting_for_guest", registersAt: expect.any(Date) });
    const dryRun = await dryRunRegistration({
      staffUserId: 1,
      businessId: checkout.businessId,
      invoiceId: String(checkout.invoiceId),
      basketSession: checkout.token,
      clientIp: "10.0.0.1",
    });
    expect(dryRun).toEqual({
      kind: "would_create_customer",
      serverRegistersAt:
        waiting.fulfilment?.kind === "waiting_for_guest" ? waiting.fulfilment.registersAt.toISOString() : null,
    });

    await fulfilDueCheckouts(afterGrace());
    const registered = await getGuestCheckoutOrThrow({
      businessId: checkout.businessId,
      basketSessionId: checkout.basketSessionId,
    });
    expect(registered.fulfilment).toEqual({ kind: "registered_by_server", at: expect.any(Date), linkRedeemedAt: null });
    const customer = await db.customer.findFirstOrThrow({
      where: { businessId: checkout.businessId },
      select: { id: true },
    });
    expect(
      await dryRunRegistration({
        staffUserId: 1,
        businessId: checkout.businessId,
        invoiceId: String(checkout.invoiceId),
        basketSession: checkout.token,
        clientIp: "10.0.0.1",
      }),
    ).toEqual({ kind: "would_hand_out_token", customerId: customer.id, registeredAt: expect.any(String) });
  });
});
