import { pathToFileURL } from "node:url";

import bcrypt from "bcryptjs";

import { getConfig } from "@/lib/config";
import { getDb, type Db } from "@/lib/server/db";

/**
 * The demo data: one coworking business selling in GBP, its products, and a staff user whose credentials
 * come from SEED_STAFF_EMAIL / SEED_STAFF_PASSWORD (with demo defaults outside production only).
 * Seeds only an empty database, so it is safe to run on every start.
 */

const DEV_STAFF_EMAIL = "staff@example.com";
const DEV_STAFF_PASSWORD = "staff-demo-password";
const BCRYPT_ROUNDS = 12;

const products = [
  { name: "Day pass", description: "A hot desk for one day, 8:00–20:00", unitPriceMinor: 2500, taxRateBp: 2000 },
  { name: "Meeting room (1 hour)", description: "Room for up to 6 people with screen", unitPriceMinor: 4000, taxRateBp: 2000 },
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

export async function seedIfEmpty(db: Db): Promise<boolean> {
  if ((await db.business.count()) > 0) return false;
  const staff = staffCredentials();
  const passwordHash = await bcrypt.hash(staff.password, BCRYPT_ROUNDS);
  await db.$transaction(async (tx) => {
    await tx.business.create({
      data: {
        name: "Hive & Desk Coworking",
        address: "12 Clerkenwell Road\nLondon EC1M 5PQ\nUnited Kingdom",
        currency: "GBP",
        locale: "en-GB",
        timeZone: "Europe/London",
        invoicePrefix: "INV",
        taxId: "GB 123 4567 89",
        products: { create: products },
        staffUsers: { create: { email: staff.email, passwordHash, role: "admin" } },
      },
      select: { id: true },
    });
  });
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const db = getDb();
  seedIfEmpty(db)
    .then((seeded) => console.error(seeded ? "Seeded the demo business." : "Database already has data; nothing seeded."))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exitCode = 1;
    })
    .finally(() => db.$disconnect());
}
