import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { POST as correctEmail } from "@/app/api/staff/checkouts/[basketSessionId]/guest-email/route";
import { POST as resend } from "@/app/api/staff/checkouts/[basketSessionId]/resend-registration-email/route";
import { POST as createDemo } from "@/app/api/staff/demo-checkouts/route";
import { POST as dryRun } from "@/app/api/staff/dry-run/route";
import { getDb } from "@/lib/server/db";
import { listGuestCheckouts } from "@/lib/server/staff/list-guest-checkouts";
import {
  createBusiness,
  createCheckout,
  createRegisteredCheckout,
  staffSessionCookie,
  uniqueEmail,
  type TestCheckout,
} from "@/test/factories";
import { callRegister } from "@/test/register-client";
import { sessionCookie } from "@/test/session";

const db = getDb();
const ORIGIN = "http://localhost:3000";

type Who = "anonymous" | "customer" | "staff of another business" | "staff";

async function cookieFor(who: Who, checkout: TestCheckout): Promise<string | undefined> {
  switch (who) {
    case "anonymous":
      return undefined;
    case "customer":
      return sessionCookie({ role: "customer", email: checkout.email });
    case "staff of another business":
      return staffSessionCookie((await createBusiness()).id);
    case "staff":
      return staffSessionCookie(checkout.businessId);
  }
}

function post(url: string, body: unknown, cookie: string | undefined, origin: string | null = ORIGIN): Request {
  const headers: Record<string, string> = { "content-type": "application/json", "x-forwarded-for": "10.9.9.9" };
  if (cookie) headers.cookie = cookie;
  if (origin) headers.origin = origin;
  return new Request(`${ORIGIN}${url}`, { method: "POST", headers, body: JSON.stringify(body) });
}

async function read(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const actions = {
  "create a demo checkout": (checkout: TestCheckout, cookie?: string, origin?: string | null) =>
    createDemo(post("/api/staff/demo-checkouts", {}, cookie, origin)),
  "dry-run a registration": (checkout: TestCheckout, cookie?: string, origin?: string | null) =>
    dryRun(
      post(
        "/api/staff/dry-run",
        { invoiceId: String(checkout.invoiceId), basketSession: checkout.token },
        cookie,
        origin,
      ),
    ),
  "resend the registration e-mail": (checkout: TestCheckout, cookie?: string, origin?: string | null) =>
    resend(post(`/api/staff/checkouts/${checkout.basketSessionId}/resend-registration-email`, {}, cookie, origin), {
      params: Promise.resolve({ basketSessionId: String(checkout.basketSessionId) }),
    }),
  "correct the guest's e-mail address": (checkout: TestCheckout, cookie?: string, origin?: string | null) =>
    correctEmail(
      post(`/api/staff/checkouts/${checkout.basketSessionId}/guest-email`, { email: uniqueEmail() }, cookie, origin),
      {
        params: Promise.resolve({ basketSessionId: String(checkout.basketSessionId) }),
      },
    ),
};

/** Every staff action, with who may take it and what everyone else gets. */
const expectations: [Who, number][] = [
  ["anonymous", 401],
  ["customer", 404],
];

describe.each(Object.entries(actions))("staff action: %s – authorization", (name, act) => {
  it.each(expectations)(`${name} – %s → %i, nothing done`, async (who, status) => {
    const checkout = await createRegisteredCheckout();
    const before = {
      baskets: await db.basketSession.count(),
      outbox: await db.outboxMessage.count(),
      audit: await db.auditEvent.count(),
    };
    const result = await read(await act(checkout, await cookieFor(who, checkout)));
    expect(result.status).toBe(status);
    expect({
      baskets: await db.basketSession.count(),
      outbox: await db.outboxMessage.count(),
      audit: await db.auditEvent.count(),
    }).toEqual(before);
  });

  it(`${name} – from another site (foreign Origin, or none) → 403 cross_site_request, even for staff`, async () => {
    const checkout = await createRegisteredCheckout();
    const cookie = await cookieFor("staff", checkout);
    for (const origin of ["https://evil.example", null]) {
      const result = await read(await act(checkout, cookie, origin));
      expect(result).toMatchObject({ status: 403, body: { code: "cross_site_request" } });
    }
  });

  it(`${name} – staff of the business → done`, async () => {
    const checkout = await createRegisteredCheckout();
    const result = await read(await act(checkout, await cookieFor("staff", checkout)));
    expect([200, 201]).toContain(result.status);
  });
});

describe("staff action: correct the guest's e-mail address", () => {
  it("is not found for staff of another business, and changes nothing", async () => {
    const checkout = await createRegisteredCheckout();
    const before = await db.basketSession.findUniqueOrThrow({
      where: { id: checkout.basketSessionId },
      select: { guestEmail: true },
    });
    const result = await read(
      await actions["correct the guest's e-mail address"](
        checkout,
        await cookieFor("staff of another business", checkout),
      ),
    );
    expect(result).toMatchObject({ status: 404, body: { code: "not_found" } });
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { guestEmail: true },
      }),
    ).toEqual(before);
  });

  it("refuses a malformed address with 400, in words", async () => {
    const checkout = await createRegisteredCheckout();
    const cookie = await cookieFor("staff", checkout);
    for (const email of ["not an address", 42, null]) {
      const result = await read(
        await correctEmail(post(`/api/staff/checkouts/${checkout.basketSessionId}/guest-email`, { email }, cookie), {
          params: Promise.resolve({ basketSessionId: String(checkout.basketSessionId) }),
        }),
      );
      expect(result).toMatchObject({
        status: 400,
        body: { code: "bad_request", detail: "Enter a valid e-mail address." },
      });
    }
  });

  it("refuses a body not sent as JSON with 400, and changes nothing", async () => {
    const checkout = await createRegisteredCheckout();
    const cookie = await cookieFor("staff", checkout);
    const request = post(
      `/api/staff/checkouts/${checkout.basketSessionId}/guest-email`,
      { email: uniqueEmail() },
      cookie,
    );
    const asText = new Request(request.url, {
      method: "POST",
      headers: { ...Object.fromEntries(request.headers), "content-type": "text/plain" },
      body: await request.text(),
    });
    const result = await read(
      await correctEmail(asText, { params: Promise.resolve({ basketSessionId: String(checkout.basketSessionId) }) }),
    );
    expect(result).toMatchObject({
      status: 400,
      body: { code: "bad_request", detail: "Send the request as application/json." },
    });
    expect(
      await db.basketSession.findUniqueOrThrow({
        where: { id: checkout.basketSessionId },
        select: { guestEmail: true },
      }),
    ).toEqual({ guestEmail: checkout.email });
  });
});

describe("staff action: dry run", () => {
  async function everything() {
    const [baskets, customers, invoices, outbox, audit, limits] = await Promise.all([
      db.basketSession.findMany({ orderBy: { id: "asc" } }),
      db.customer.findMany({ orderBy: { id: "asc" } }),
      db.invoice.findMany({ orderBy: { id: "asc" } }),
      db.outboxMessage.count(),
      db.auditEvent.count(),
      db.rateLimitWindow.count(),
    ]);
    return { baskets, customers, invoices, outbox, audit, limits };
  }

  async function dryRunAs(cookie: string, checkout: { invoiceId: number | string; token: string }) {
    return read(
      await dryRun(
        post("/api/staff/dry-run", { invoiceId: String(checkout.invoiceId), basketSession: checkout.token }, cookie),
      ),
    );
  }

  it("changes nothing but one audit event, and agrees with what the real call then does: create", async () => {
    const checkout = await createCheckout();
    const cookie = await staffSessionCookie(checkout.businessId);
    const before = await everything();

    const preview = await dryRunAs(cookie, checkout);

    expect(preview).toEqual({
      status: 200,
      body: { kind: "would_create_customer", serverRegistersAt: expect.any(String) },
    });
    const after = await everything();
    expect(after).toEqual({ ...before, audit: before.audit + 1 });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { type: "registration.previewed" },
      orderBy: { id: "desc" },
    });
    expect(event).toMatchObject({
      basketSessionId: checkout.basketSessionId,
      actor: expect.stringMatching(/^staff:\d+$/),
    });

    const real = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    expect(real.status).toBe(200);
    expect(
      (
        await db.auditEvent.findFirstOrThrow({
          where: { type: "registration.succeeded", basketSessionId: checkout.basketSessionId },
        })
      ).detail,
    ).toContain('"customer":"created"');
  });

  it("agrees with the real call: link to an existing customer", async () => {
    const email = uniqueEmail();
    const first = await createRegisteredCheckout({ email });
    const second = await createCheckout({ businessId: first.businessId, email: email.toUpperCase() });
    const customer = await db.customer.findFirstOrThrow({ where: { businessId: first.businessId, email } });

    const preview = await dryRunAs(await staffSessionCookie(first.businessId), second);

    expect(preview.body).toEqual({
      kind: "would_link_customer",
      customerId: customer.id,
      customerName: customer.fullName,
      serverRegistersAt: expect.any(String),
    });
    expect((await callRegister({ invoiceId: second.invoiceId, token: second.token })).status).toBe(200);
    expect((await db.invoice.findUniqueOrThrow({ where: { id: second.invoiceId } })).customerId).toBe(customer.id);
  });

  it.each([
    ["used", async () => createRegisteredCheckout(), "basket_token_used", 401],
    ["expired", async () => createCheckout({ placedHoursAgo: 30 }), "basket_token_expired", 401],
    ["unpaid", async () => createCheckout({ unpaid: true }), "payment_pending", 409],
  ] as const)("agrees with the real call: %s", async (_, make, code, status) => {
    const checkout = await make();
    const preview = await dryRunAs(await staffSessionCookie(checkout.businessId), checkout);
    expect(preview.body).toEqual({ kind: "refused", code, status });
    const real = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
    expect({ status: real.status, code: real.body.code }).toEqual({ status, code });
  });

  it("reports an unknown token, another invoice, and another business's basket as the endpoint would, without revealing it", async () => {
    const checkout = await createCheckout();
    const cookie = await staffSessionCookie(checkout.businessId);
    expect((await dryRunAs(cookie, { invoiceId: checkout.invoiceId, token: randomUUID() })).body).toMatchObject({
      code: "basket_token_invalid",
    });
    expect((await dryRunAs(cookie, { invoiceId: checkout.invoiceId + 100, token: checkout.token })).body).toMatchObject(
      { code: "invoice_not_found" },
    );
    const elsewhere = await createCheckout();
    expect((await dryRunAs(cookie, elsewhere)).body).toMatchObject({ code: "basket_token_invalid" });
  });
});

describe("staff action: resend and demo", () => {
  it("queues the registration e-mail again, of the original kind, and audits it", async () => {
    const checkout = await createRegisteredCheckout();
    const cookie = await staffSessionCookie(checkout.businessId);
    const result = await read(await actions["resend the registration e-mail"](checkout, cookie));
    expect(result).toEqual({ status: 200, body: { recipient: checkout.email } });
    const mails = await db.outboxMessage.findMany({
      where: { kind: { startsWith: "registration." }, recipient: checkout.email },
      select: { kind: true, businessId: true },
    });
    expect(mails).toEqual([
      { kind: "registration.new_customer", businessId: checkout.businessId },
      { kind: "registration.new_customer", businessId: checkout.businessId },
    ]);
    expect(
      await db.auditEvent.count({
        where: { type: "registration.email_resent", basketSessionId: checkout.basketSessionId },
      }),
    ).toBe(1);
  });

  it("refuses to resend for a checkout that has not registered, or of another business", async () => {
    const unregistered = await createCheckout();
    const cookie = await staffSessionCookie(unregistered.businessId);
    expect((await read(await actions["resend the registration e-mail"](unregistered, cookie))).status).toBe(400);
    const elsewhere = await createRegisteredCheckout();
    expect((await read(await actions["resend the registration e-mail"](elsewhere, cookie))).status).toBe(404);
  });

  it("creates a demo checkout in the staff member's business whose link registers", async () => {
    const business = await createBusiness();
    const result = await read(
      await createDemo(post("/api/staff/demo-checkouts", { unpaid: false }, await staffSessionCookie(business.id))),
    );
    expect(result.status).toBe(201);
    const invoice = await db.invoice.findUniqueOrThrow({ where: { id: Number(result.body.invoiceId) } });
    expect(invoice.businessId).toBe(business.id);
    const basketSession = new URLSearchParams(String(result.body.completionPath).split("?")[1]).get("basketSession")!;
    expect((await callRegister({ invoiceId: invoice.id, token: basketSession })).status).toBe(200);
  });

  it("creates a declined demo checkout, whose link says so, and refuses one both unpaid and declined", async () => {
    const business = await createBusiness();
    const cookie = await staffSessionCookie(business.id);
    const declined = await read(await createDemo(post("/api/staff/demo-checkouts", { declined: true }, cookie)));
    expect(declined.status).toBe(201);
    const basketSession = new URLSearchParams(String(declined.body.completionPath).split("?")[1]).get("basketSession")!;
    expect((await callRegister({ invoiceId: Number(declined.body.invoiceId), token: basketSession })).body.code).toBe(
      "payment_declined",
    );

    const both = await read(
      await createDemo(post("/api/staff/demo-checkouts", { unpaid: true, declined: true }, cookie)),
    );
    expect(both.status).toBe(400);
    expect(both.body.code).toBe("bad_request");
  });
});

describe("guest checkouts list", () => {
  it("filters by status and stays within the business", async () => {
    const business = await createBusiness();
    const registered = await createRegisteredCheckout({ businessId: business.id });
    const paid = await createCheckout({ businessId: business.id });
    const pending = await createCheckout({ businessId: business.id, unpaid: true });
    const expired = await createCheckout({ businessId: business.id, placedHoursAgo: 30 });
    await createCheckout();

    const all = await listGuestCheckouts({ businessId: business.id });
    expect(all.total).toBe(4);
    const byStatus = async (status: "registered" | "paid" | "pending_payment" | "expired") =>
      (await listGuestCheckouts({ businessId: business.id, status })).rows.map((row) => row.id);
    expect(await byStatus("registered")).toEqual([registered.basketSessionId]);
    expect(await byStatus("paid")).toEqual([paid.basketSessionId]);
    expect(await byStatus("pending_payment")).toEqual([pending.basketSessionId]);
    expect(await byStatus("expired")).toEqual([expired.basketSessionId]);
  });
});
