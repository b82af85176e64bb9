// `npm run demo:checkout`: a paid guest checkout through the same domain code as the checkout page.
// Prints exactly one JSON line on stdout: {"invoiceId":…,"basketSession":"…","completionUrl":"…"}.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";

import { getConfig } from "@/lib/config";
import { completeCheckoutPayment } from "@/lib/server/billing/complete-checkout-payment";
import { createGuestCheckout } from "@/lib/server/billing/create-guest-checkout";
import { getDb } from "@/lib/server/db";
import { checkoutCompletionPath } from "@/lib/urls";
import { seedIfEmpty } from "@/prisma/seed";

const HOUR_MS = 3_600_000;

const USAGE = `Usage: npm run demo:checkout -- [--email E] [--name N] [--unpaid] [--expired]
  --email E    the guest's e-mail (default: a fresh guest+…@example.com)
  --name N     the guest's full name (default: Demo Guest)
  --unpaid     leave the payment pending
  --expired    place the order so long ago that the checkout link has expired`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      unpaid: { type: "boolean", default: false },
      expired: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error(USAGE);
    return;
  }

  const config = getConfig();
  const db = getDb();
  try {
    await seedIfEmpty(db);
    const business = await db.business.findFirstOrThrow({ orderBy: { id: "asc" }, select: { id: true } });
    const product = await db.product.findFirstOrThrow({
      where: { businessId: business.id, active: true },
      orderBy: { id: "asc" },
      select: { id: true },
    });
    // An expired checkout is one placed (and paid) longer ago than the registration window.
    const placedAt = values.expired ? new Date(Date.now() - (config.basketTtlHours + 1) * HOUR_MS) : new Date();
    const payment = { provider: "test", reference: `pay_demo_${randomBytes(8).toString("hex")}` };
    const checkout = await createGuestCheckout({
      businessId: business.id,
      order: {
        guest: {
          fullName: values.name ?? "Demo Guest",
          email: values.email ?? `guest+${randomBytes(4).toString("hex")}@example.com`,
          billingLine1: "1 Demo Street",
          billingCity: "London",
          billingPostalCode: "E1 6AN",
          billingCountry: "GB",
        },
        lines: [{ productId: product.id, quantity: 1 }],
      },
      payment,
      now: placedAt,
    });
    if (!values.unpaid) await completeCheckoutPayment({ invoiceId: checkout.invoiceId, ...payment, now: placedAt });

    const completionUrl = new URL(checkoutCompletionPath(checkout.invoiceId, checkout.basketToken), config.appUrl);
    process.stdout.write(
      JSON.stringify({ invoiceId: checkout.invoiceId, basketSession: checkout.basketToken, completionUrl: completionUrl.href }) + "\n",
    );
  } finally {
    await db.$disconnect();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`demo:checkout failed: ${message}`);
  if (/does not exist|no such table/i.test(message)) console.error("The database is not migrated yet: run `npm start` or `npm run db:deploy` first.");
  console.error(USAGE);
  process.exit(1);
});
