import { describe, expect, it } from "vitest";

import { GET as getInvoice } from "@/app/api/public/billing/invoices/[invoiceId]/route";
import { GET as getInvoicePdf } from "@/app/api/public/billing/invoices/[invoiceId]/pdf/route";
import { getDb } from "@/lib/server/db";
import { InvoiceDetailSchema } from "@/lib/validation/invoice-detail";
import {
  createBusiness,
  createCheckout,
  createRegisteredCheckout,
  uniqueEmail,
  staffSessionCookie,
} from "@/test/factories";
import { sessionCookie } from "@/test/session";

const db = getDb();

type Route = "read" | "pdf";
const handlers = { read: getInvoice, pdf: getInvoicePdf };

async function call(route: Route, invoiceId: string | number, cookie?: string): Promise<Response> {
  const url = `http://localhost/api/public/billing/invoices/${invoiceId}${route === "pdf" ? "/pdf" : ""}`;
  const request = new Request(url, { headers: cookie ? { cookie } : {} });
  return handlers[route](request, { params: Promise.resolve({ invoiceId: String(invoiceId) }) });
}

async function codeOf(response: Response): Promise<string | undefined> {
  return response.headers.get("content-type") === "application/problem+json"
    ? ((await response.json()) as { code: string }).code
    : undefined;
}

describe.each(["read", "pdf"] as const)("GET /invoices/{id}%s – authorization", (route) => {
  const name = route === "read" ? "GET /invoices/{id}" : "GET /invoices/{id}/pdf";

  it(`${name} – anonymous → 401 unauthorized, also for ids that do not exist`, async () => {
    const checkout = await createRegisteredCheckout();
    for (const invoiceId of [checkout.invoiceId, 2_000_000_000, "abc"]) {
      const response = await call(route, invoiceId);
      expect(response.status).toBe(401);
      expect(await codeOf(response)).toBe("unauthorized");
    }
    const forged = await call(route, checkout.invoiceId, "next-auth.session-token=not-a-session");
    expect(forged.status).toBe(401);
  });

  it(`${name} – the customer who owns it → 200`, async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    const response = await call(
      route,
      checkout.invoiceId,
      await sessionCookie({ role: "customer", email: checkout.email }),
    );
    expect(response.status).toBe(200);
  });

  it(`${name} – another customer, of the same business → 404, the same as a missing invoice`, async () => {
    const mine = await createRegisteredCheckout();
    const other = await createRegisteredCheckout({ businessId: mine.businessId });
    const cookie = await sessionCookie({ role: "customer", email: other.email });
    const response = await call(route, mine.invoiceId, cookie);
    expect(response.status).toBe(404);
    expect(await codeOf(response)).toBe("invoice_not_found");
    expect((await call(route, 2_000_000_000, cookie)).status).toBe(404);
    expect((await call(route, "-1", cookie)).status).toBe(404);
  });

  it(`${name} – an address that paid but has not registered (no portal access) → 404`, async () => {
    const unregistered = await createCheckout();
    const response = await call(
      route,
      unregistered.invoiceId,
      await sessionCookie({ role: "customer", email: unregistered.email }),
    );
    expect(response.status).toBe(404);
  });

  it(`${name} – staff of the invoice's business → 200`, async () => {
    const checkout = await createRegisteredCheckout();
    expect((await call(route, checkout.invoiceId, await staffSessionCookie(checkout.businessId))).status).toBe(200);
  });

  it(`${name} – staff of another business → 404`, async () => {
    const checkout = await createRegisteredCheckout();
    const elsewhere = await createBusiness();
    const response = await call(route, checkout.invoiceId, await staffSessionCookie(elsewhere.id));
    expect(response.status).toBe(404);
    expect(await codeOf(response)).toBe("invoice_not_found");
  });
});

describe("GET /invoices/{id} – body", () => {
  it("returns the full invoice — business, customer, lines, totals, payments — and nothing else", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    const response = await call(
      "read",
      checkout.invoiceId,
      await sessionCookie({ role: "customer", email: checkout.email }),
    );

    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, unknown>;
    expect(InvoiceDetailSchema.strict().parse(body)).toMatchObject({
      id: checkout.invoiceId,
      status: "paid",
      customer: { email: checkout.email, fullName: "Ada Guest" },
      lines: [
        { description: "Day pass", quantity: 2 },
        { description: "Meeting room", quantity: 1 },
      ],
      totalMinor: 10800,
      payments: [{ provider: "test", status: "succeeded", amountMinor: 10800 }],
    });
    expect(JSON.stringify(body)).not.toMatch(/tokenHash|passwordHash|portalAccess|consumedKeyHash/);
  });

  it("serves the PDF to its owner as an attachment and records the download", async () => {
    const checkout = await createRegisteredCheckout();
    const response = await call(
      "pdf",
      checkout.invoiceId,
      await sessionCookie({ role: "customer", email: checkout.email }),
    );
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment; filename="TST-\d{4}-\d{6}\.pdf"$/);
    const events = await db.auditEvent.findMany({
      where: { invoiceId: checkout.invoiceId, type: "invoice.pdf_downloaded" },
    });
    expect(events.map((event) => JSON.parse(event.detail ?? "{}"))).toEqual([{ via: "session" }]);
  });
});
