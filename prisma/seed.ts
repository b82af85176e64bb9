import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import bcrypt from "bcryptjs";

import { getConfig } from "@/lib/config";
import { disconnectDb, execute, getDb, Prisma, query, runTransaction } from "@/lib/server/db";
import { int } from "@/lib/server/db/columns";

/**
 * The demo data: one coworking business selling in GBP, with its logo and brand colour, its products, and a staff user whose credentials
 * come from SEED_STAFF_EMAIL / SEED_STAFF_PASSWORD (with demo defaults outside production only).
 * Seeds only an empty database, so it is safe to run on every start.
 */

const DEV_STAFF_EMAIL = "staff@example.com";
const DEV_STAFF_PASSWORD = "staff-demo-password";
const BCRYPT_ROUNDS = 12;
/** Honey: light enough that the pages put black text on it and darken it for links (lib/brand.ts). */
const BRAND_COLOR = "#e8a317";
const LOGO_PNG = fileURLToPath(new URL("./seed-assets/hive-and-desk-logo.png", import.meta.url));

const products = [
  { name: "Day pass", description: "A hot desk for one day, 8:00–20:00", unitPriceMinor: 2500, taxRateBp: 2000 },
  {
    name: "Meeting room (1 hour)",
    description: "Room for up to 6 people with screen",
    unitPriceMinor: 4000,
    taxRateBp: 2000,
  },
  { name: "Weekly hot desk", description: "Five consecutive weekdays", unitPriceMinor: 9500, taxRateBp: 2000 },
  { name: "Coffee bundle", description: "Ten barista coffees", unitPriceMinor: 850, taxRateBp: 2000 },
  { name: "Locker (1 month)", description: "A personal locker for 30 days", unitPriceMinor: 1500, taxRateBp: 2000 },
];

function staffCredentials(): { email: string; password: string } {
  const email = process.env.SEED_STAFF_EMAIL?.trim();
  const password = process.env.SEED_STAFF_PASSWORD;
  if (getConfig().mode === "production" && (!email || !password)) {
    throw new Error("SEED_STAFF_EMAIL and SEED_STAFF_PASSWORD are required to seed a production database");
  }
  return { email: (email || DEV_STAFF_EMAIL).toLowerCase(), password: password || DEV_STAFF_PASSWORD };
}

export async function seedIfEmpty(): Promise<boolean> {
  if ((await getDb().business.count()) > 0) return false;
  const staff = staffCredentials();
  const passwordHash = await bcrypt.hash(staff.password, BCRYPT_ROUNDS);
  const now = new Date();
  await runTransaction(function* () {
    const [business] = yield* query(
      Prisma.sql`
      INSERT INTO "Business" ("name", "address", "currency", "locale", "timeZone", "invoicePrefix", "taxId", "brandColor", "logoPng", "createdAt")
      VALUES ('Hive & Desk Coworking', ${"12 Clerkenwell Road\nLondon EC1M 5PQ\nUnited Kingdom"}, 'GBP', 'en-GB', 'Europe/London', 'INV', 'GB 123 4567 89',
              ${BRAND_COLOR}, ${readFileSync(LOGO_PNG)}, ${now})
      RETURNING "id"`,
      { id: int },
    );
    if (!business) throw new Error("the business INSERT returned no row");
    yield* execute(Prisma.sql`
      INSERT INTO "Product" ("businessId", "name", "description", "unitPriceMinor", "taxRateBp", "active", "createdAt")
      VALUES ${Prisma.join(products.map((product) => Prisma.sql`(${business.id}, ${product.name}, ${product.description}, ${product.unitPriceMinor}, ${product.taxRateBp}, ${true}, ${now})`))}`);
    yield* execute(Prisma.sql`
      INSERT INTO "StaffUser" ("businessId", "email", "passwordHash", "role", "createdAt")
      VALUES (${business.id}, ${staff.email}, ${passwordHash}, 'admin', ${now})`);
  });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  seedIfEmpty()
    .then((seeded) =>
      console.error(seeded ? "Seeded the demo business." : "Database already has data; nothing seeded."),
    )
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(() => disconnectDb());
}
