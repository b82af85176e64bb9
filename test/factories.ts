import { randomBytes } from "node:crypto";

import bcrypt from "bcryptjs";

import { completeCheckoutPayment, declineCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import type { Locale } from "@/lib/i18n/locales";
import { paymentCardOf } from "@/lib/payment-method";
import { getDb } from "@/lib/server/db";

import { callRegister } from "./register-client";
import { sessionCookie } from "./session";

const HOUR_MS = 3_600_000;

export function uniqueEmail(): string {
  return `guest-${randomBytes(6).toString("hex")}@example.com`;
}

/** A new staff member of the business, and the session cookie of their signing in. */
export async function staffSessionCookie(businessId: number): Promise<string> {
  const staff = await getDb().staffUser.create({
    data: {
      businessId,
      email: `staff-${randomBytes(4).toString("hex")}@example.com`,
      passwordHash: await bcrypt.hash("x", 4),
    },
  });
  return sessionCookie({ role: "staff", email: staff.email, staffUserId: staff.id, businessId });
}

interface BusinessOptions {
  extraProducts?: number;
  /** A GBP business in en-GB unless told otherwise. */
  currency?: string;
  locale?: string;
  invoiceLanguage?: "customer" | "business";
  /** The day pass's price, in minor units (2500 unless told otherwise). */
  dayPassMinor?: number;
}

/** A business of its own, so tests never share invoices or customers; two products unless told otherwise. */
export async function createBusiness(
  options: BusinessOptions = {},
): Promise<{ id: number; productIds: [number, number, ...number[]] }> {
  const extra = Array.from({ length: options.extraProducts ?? 0 }, (_, index) => ({
    name: `Extra item ${index + 1} with a description long enough to need some room`,
    unitPriceMinor: 100 + index,
    taxRateBp: index % 2 === 0 ? 2000 : 500,
  }));
  const db = getDb();
  const business = await db.business.create({
    data: {
      name: `Test Space ${randomBytes(3).toString("hex")}`,
      address: "1 Test Street\nLondon",
      currency: options.currency ?? "GBP",
      locale: options.locale ?? "en-GB",
      invoiceLanguage: options.invoiceLanguage ?? "customer",
      timeZone: "Europe/London",
      invoicePrefix: "TST",
      taxId: "GB000",
    },
    select: { id: true },
  });
  const productIds: number[] = [];
  const dayPass = { name: "Day pass", unitPriceMinor: options.dayPassMinor ?? 2500, taxRateBp: 2000 };
  for (const product of [dayPass, { name: "Meeting room", unitPriceMinor: 4000, taxRateBp: 2000 }, ...extra]) {
    productIds.push(
      (await db.product.create({ data: { ...product, businessId: business.id }, select: { id: true } })).id,
    );
  }
  const [first, second, ...rest] = productIds;
  return { id: business.id, productIds: [first!, second!, ...rest] };
}

interface CheckoutOptions {
  businessId?: number;
  email?: string;
  name?: string;
  company?: string;
  unpaid?: boolean;
  /** Its payment was declined (so it is unpaid too). */
  declined?: boolean;
  placedHoursAgo?: number;
  /** Lines beyond the usual two (2 day passes, 1 meeting room), one of each extra product. */
  extraLines?: number;
  /** The guest's language at checkout (English unless told otherwise). */
  locale?: Locale;
  /** The card number it is paid with, of which the payment keeps the brand and last four; none unless told. */
  card?: string;
}

export interface TestCheckout {
  businessId: number;
  invoiceId: number;
  basketSessionId: number;
  token: string;
  email: string;
}

/** A guest checkout through the domain code: paid now unless told otherwise. */
export async function createCheckout(options: CheckoutOptions = {}): Promise<TestCheckout> {
  const business = options.businessId
    ? { id: options.businessId, productIds: await productIdsOf(options.businessId) }
    : await createBusiness({ extraProducts: options.extraLines });
  const [dayPass, meetingRoom, ...extras] = business.productIds;
  const email = options.email ?? uniqueEmail();
  const now = new Date(Date.now() - (options.placedHoursAgo ?? 0) * HOUR_MS);
  const payment = { provider: "test", reference: `pay_${randomBytes(8).toString("hex")}` };
  const checkout = await createGuestCheckout({
    businessId: business.id,
    order: {
      guest: {
        fullName: options.name ?? "Ada Guest",
        email,
        company: options.company ?? "Analytical Ltd",
        billingLine1: "2 Engine Row",
        billingCity: "London",
        billingPostalCode: "N1 9GU",
        billingCountry: "GB",
      },
      lines: [
        { productId: dayPass, quantity: 2 },
        { productId: meetingRoom, quantity: 1 },
        ...extras.slice(0, options.extraLines ?? 0).map((productId) => ({ productId, quantity: 3 })),
      ],
    },
    payment: { ...payment, card: options.card === undefined ? null : paymentCardOf(options.card) },
    locale: options.locale,
    now,
  });
  if (options.declined) await declineCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, actor: "guest" });
  else if (!options.unpaid) await completeCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, now });
  return {
    businessId: business.id,
    invoiceId: checkout.invoiceId,
    basketSessionId: checkout.basketSessionId,
    token: checkout.basketToken,
    email,
  };
}

async function productIdsOf(businessId: number): Promise<[number, number, ...number[]]> {
  const products = await getDb().product.findMany({
    where: { businessId },
    select: { id: true },
    orderBy: { id: "asc" },
  });
  const [first, second, ...rest] = products.map((product) => product.id);
  return [first!, second!, ...rest];
}

/** A checkout registered through the endpoint, with the invoice token it answered. */
export async function createRegisteredCheckout(
  options: CheckoutOptions = {},
): Promise<TestCheckout & { invoiceToken: string }> {
  const checkout = await createCheckout(options);
  const result = await callRegister({ invoiceId: checkout.invoiceId, token: checkout.token });
  if (result.status !== 200) throw new Error(`registration failed: ${JSON.stringify(result.body)}`);
  return { ...checkout, invoiceToken: String(result.body.Token) };
}
