// `npm run demo:checkout`: a paid guest checkout through the same domain code as the checkout page.
// Prints exactly one JSON line on stdout: {"invoiceId":…,"basketSession":"…","completionUrl":"…"}.
import { parseArgs } from "node:util";

import { getConfig } from "@/lib/config";
import { createDemoCheckout } from "@/lib/server/billing/create-demo-checkout";
import { disconnectDb } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";

const USAGE = `Usage: npm run demo:checkout -- [--email E] [--name N] [--unpaid] [--declined] [--expired]
  --email E    the guest's e-mail (default: a fresh guest+…@example.com)
  --name N     the guest's full name (default: Demo Guest)
  --unpaid     leave the payment pending
  --declined   the payment was declined
  --expired    place the order so long ago that the checkout link has expired`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      name: { type: "string" },
      unpaid: { type: "boolean", default: false },
      declined: { type: "boolean", default: false },
      expired: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.error(USAGE);
    return;
  }

  try {
    await seedIfEmpty();
    const checkout = await createDemoCheckout({
      email: values.email,
      name: values.name,
      unpaid: values.unpaid,
      declined: values.declined,
      expired: values.expired,
    });
    const completionUrl = new URL(checkout.completionPath, getConfig().appUrl).href;
    process.stdout.write(
      JSON.stringify({ invoiceId: checkout.invoiceId, basketSession: checkout.basketSession, completionUrl }) + "\n",
    );
  } finally {
    await disconnectDb();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`demo:checkout failed: ${message}`);
  if (/does not exist|no such table/i.test(message))
    console.error("The database is not migrated yet: run `npm start` or `npm run db:deploy` first.");
  console.error(USAGE);
  process.exit(1);
});
