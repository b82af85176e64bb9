import { randomBytes } from "node:crypto";

import { completeCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import { getDb } from "@/lib/server/db";

const HOUR_MS = 3_600_000;

export function uniqueEmail(): string {
  return `guest-${randomBytes(6).toString("hex")}@example.com`;
}

export function randomIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

/** A business of its own with two products, so tests never share invoices or customers. */
export async function createBusiness(): Promise<{ id: number; productIds: [number, number] }> {
  const business = await getDb().business.create({
    data: {
      name: `Test Space ${randomBytes(3).toString("hex")}`,
      address: "1 Test Street\nLondon",
      currency: "GBP",
      locale: "en-GB",
      timeZone: "Europe/London",
      invoicePrefix: "TST",
      taxId: "GB000",
      products: {
        create: [
          { name: "Day pass", unitPriceMinor: 2500, taxRateBp: 2000 },
          { name: "Meeting room", unitPriceMinor: 4000, taxRateBp: 2000 },
        ],
      },
    },
    select: { id: true, products: { select: { id: true }, orderBy: { id: "asc" } } },
  });
  const [first, second] = business.products;
  return { id: business.id, productIds: [first!.id, second!.id] };
}

export interface TestCheckout {
  businessId: number;
  invoiceId: number;
  basketSessionId: number;
  token: string;
  email: string;
}

/** A guest checkout through the domain code: paid now unless told otherwise. */
export async function createCheckout(
  options: { businessId?: number; email?: string; name?: string; unpaid?: boolean; placedHoursAgo?: number } = {},
): Promise<TestCheckout> {
  const business = options.businessId ? { id: options.businessId, productIds: await productIdsOf(options.businessId) } : await createBusiness();
  const email = options.email ?? uniqueEmail();
  const now = new Date(Date.now() - (options.placedHoursAgo ?? 0) * HOUR_MS);
  const payment = { provider: "test", reference: `pay_${randomBytes(8).toString("hex")}` };
  const checkout = await createGuestCheckout({
    businessId: business.id,
    order: {
      guest: { fullName: options.name ?? "Ada Guest", email, company: "Analytical Ltd", billingCountry: "GB" },
      lines: [
        { productId: business.productIds[0], quantity: 2 },
        { productId: business.productIds[1], quantity: 1 },
      ],
    },
    payment,
    now,
  });
  if (!options.unpaid) await completeCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, now });
  return {
    businessId: business.id,
    invoiceId: checkout.invoiceId,
    basketSessionId: checkout.basketSessionId,
    token: checkout.basketToken,
    email,
  };
}

async function productIdsOf(businessId: number): Promise<[number, number]> {
  const products = await getDb().product.findMany({ where: { businessId }, select: { id: true }, orderBy: { id: "asc" } });
  return [products[0]!.id, products[1]!.id];
}
