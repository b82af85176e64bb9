import { describe, expect, it } from "vitest";

import { GET as latestEvent } from "@/app/api/staff/checkouts/[basketSessionId]/audit-trail/route";
import { POST as createDemo } from "@/app/api/staff/demo-checkouts/route";
import { getDb } from "@/lib/server/db";
import { createBusiness, createRegisteredCheckout, staffSessionCookie } from "@/test/factories";
import { callRegister } from "@/test/register-client";
import { sessionCookie } from "@/test/session";

/** What the staff pages ask the server for themselves: the audit trail's newest event, and demo checkouts by kind. */

const db = getDb();
const ORIGIN = "http://localhost:3000";

/** The page's poll, as the browser sends it: a same-origin GET (no Origin header, Sec-Fetch-Site says so). */
async function askLatest(basketSessionId: number, cookie?: string, headers: Record<string, string> = {}) {
  const request = new Request(`${ORIGIN}/api/staff/checkouts/${basketSessionId}/audit-trail`, {
    headers: { "sec-fetch-site": "same-origin", ...(cookie ? { cookie } : {}), ...headers },
  });
  const response = await latestEvent(request, {
    params: Promise.resolve({ basketSessionId: String(basketSessionId) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("GET /api/staff/checkouts/{id}/audit-trail", () => {
  it("answers the business's staff the id of the checkout's newest event, and nothing more", async () => {
    const checkout = await createRegisteredCheckout();
    const cookie = await staffSessionCookie(checkout.businessId);
    const newest = await db.auditEvent.findFirstOrThrow({
      where: { basketSessionId: checkout.basketSessionId },
      orderBy: { id: "desc" },
    });
    expect(await askLatest(checkout.basketSessionId, cookie)).toEqual({
      status: 200,
      body: { latestEventId: newest.id },
    });

    // The guest's link, tried again: a new event, which the page sees without a reload.
    await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    const after = await askLatest(checkout.basketSessionId, cookie);
    expect(after.body.latestEventId).toBeGreaterThan(newest.id);
  });

  it("is refused to anyone else: not signed in 401, a customer or another business's staff 404, another site 403", async () => {
    const checkout = await createRegisteredCheckout();
    expect((await askLatest(checkout.basketSessionId)).status).toBe(401);
    const customer = await sessionCookie({ role: "customer", email: checkout.email });
    expect((await askLatest(checkout.basketSessionId, customer)).status).toBe(404);
    const other = await staffSessionCookie((await createBusiness()).id);
    expect(await askLatest(checkout.basketSessionId, other)).toMatchObject({
      status: 404,
      body: { code: "not_found" },
    });
    const own = await staffSessionCookie(checkout.businessId);
    expect(
      await askLatest(checkout.basketSessionId, own, {
        "sec-fetch-site": "cross-site",
        origin: "https://evil.example",
      }),
    ).toMatchObject({ status: 403, body: { code: "cross_site_request" } });
  });
});

describe("POST /api/staff/demo-checkouts", () => {
  function post(body: object, cookie: string): Request {
    return new Request(`${ORIGIN}/api/staff/demo-checkouts`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, cookie, "x-forwarded-for": "10.9.9.9" },
      body: JSON.stringify(body),
    });
  }

  it("says what kind of checkout it made, and when an unpaid one's payment is settled (declined)", async () => {
    const business = await createBusiness();
    const cookie = await staffSessionCookie(business.id);
    const made = async (body: object) => {
      const response = await createDemo(post(body, cookie));
      expect(response.status).toBe(201);
      return (await response.json()) as { invoiceId: number; kind: string; settlesAt: string | null };
    };
    expect(await made({})).toMatchObject({ kind: "paid", settlesAt: null });
    expect(await made({ declined: true })).toMatchObject({ kind: "declined", settlesAt: null });
    expect(await made({ expired: true })).toMatchObject({ kind: "expired", settlesAt: null });

    const unpaid = await made({ unpaid: true });
    expect(unpaid.kind).toBe("unpaid");
    const payment = await db.payment.findFirstOrThrow({ where: { invoiceId: unpaid.invoiceId } });
    expect(unpaid.settlesAt).toBe(payment.reconcileAt!.toISOString());
  });

  it("refuses a checkout of two kinds at once, in words", async () => {
    const cookie = await staffSessionCookie((await createBusiness()).id);
    for (const body of [
      { unpaid: true, declined: true },
      { unpaid: true, expired: true },
      { declined: true, expired: true },
    ]) {
      const response = await createDemo(post(body, cookie));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { detail: string }).detail).toBe(
        "A demo checkout is of one kind: paid (the default), unpaid, declined or expired.",
      );
    }
  });
});
