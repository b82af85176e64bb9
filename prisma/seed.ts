import { readFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

import bcrypt from "bcryptjs";

import { getConfig } from "@/lib/config";
import { disconnectDb, execute, getDb, Prisma, query, runTransaction } from "@/lib/server/db";
import { int, text } from "@/lib/server/db/columns";

/**
 * The demo data: one coworking business selling in GBP, with its logo and brand colour, its products (named in
 * English, German, French and Spanish), and a staff user whose credentials
 * come from SEED_STAFF_EMAIL / SEED_STAFF_PASSWORD (with demo defaults outside production only).
 * Seeds only an empty database, so it is safe to run on every start.
 */

const DEV_STAFF_EMAIL = "staff@example.com";
const DEV_STAFF_PASSWORD = "staff-demo-password";
const BCRYPT_ROUNDS = 12;
/** Honey: light enough that the pages put black text on it and darken it for links (lib/brand.ts). */
const BRAND_COLOR = "#e8a317";
const LOGO_PNG = fileURLToPath(new URL("./seed-assets/hive-and-desk-logo.png", import.meta.url));

/** The products, with their names and descriptions in the guests' other languages (docs/contract.md §4.6). */
const products = [
  {
    name: "Day pass",
    description: "A hot desk for one day, 8:00–20:00",
    unitPriceMinor: 2500,
    taxRateBp: 2000,
    translations: {
      de: { name: "Tagespass", description: "Ein freier Schreibtisch für einen Tag, von 8 bis 20 Uhr" },
      fr: { name: "Pass journée", description: "Un poste de travail libre pour une journée, de 8 h à 20 h" },
      es: { name: "Pase de día", description: "Un puesto libre durante un día, de 8:00 a 20:00" },
    },
  },
  {
    name: "Meeting room (1 hour)",
    description: "Room for up to 6 people with screen",
    unitPriceMinor: 4000,
    taxRateBp: 2000,
    translations: {
      de: { name: "Besprechungsraum (1 Stunde)", description: "Raum für bis zu 6 Personen, mit Bildschirm" },
      fr: { name: "Salle de réunion (1 heure)", description: "Salle pour 6 personnes au plus, avec écran" },
      es: { name: "Sala de reuniones (1 hora)", description: "Sala para hasta 6 personas, con pantalla" },
    },
  },
  {
    name: "Weekly hot desk",
    description: "Five consecutive weekdays",
    unitPriceMinor: 9500,
    taxRateBp: 2000,
    translations: {
      de: { name: "Freier Schreibtisch (1 Woche)", description: "Fünf aufeinanderfolgende Werktage" },
      fr: { name: "Poste libre (1 semaine)", description: "Cinq jours ouvrés consécutifs" },
      es: { name: "Puesto libre (1 semana)", description: "Cinco días laborables seguidos" },
    },
  },
  {
    name: "Coffee bundle",
    description: "Ten barista coffees",
    unitPriceMinor: 850,
    taxRateBp: 2000,
    translations: {
      de: { name: "Kaffeepaket", description: "Zehn Barista-Kaffees" },
      fr: { name: "Carte café", description: "Dix cafés de barista" },
      es: { name: "Bono de café", description: "Diez cafés de barista" },
    },
  },
  {
    name: "Locker (1 month)",
    description: "A personal locker for 30 days",
    unitPriceMinor: 1500,
    taxRateBp: 2000,
    translations: {
      de: { name: "Schließfach (1 Monat)", description: "Ein eigenes Schließfach für 30 Tage" },
      fr: { name: "Casier (1 mois)", description: "Un casier personnel pour 30 jours" },
      es: { name: "Taquilla (1 mes)", description: "Una taquilla personal durante 30 días" },
    },
  },
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
    const inserted = yield* query(
      Prisma.sql`
      INSERT INTO "Product" ("businessId", "name", "description", "unitPriceMinor", "taxRateBp", "active", "createdAt")
      VALUES ${Prisma.join(products.map((product) => Prisma.sql`(${business.id}, ${product.name}, ${product.description}, ${product.unitPriceMinor}, ${product.taxRateBp}, ${true}, ${now})`))}
      RETURNING "id", "name"`,
      { id: int, name: text },
    );
    // RETURNING names no order: each translation finds its product by name.
    const idOf = new Map(inserted.map((product) => [product.name, product.id]));
    const translations = products.flatMap((product) =>
      Object.entries(product.translations).map(
        ([locale, translation]) =>
          Prisma.sql`(${idOf.get(product.name)}, ${locale}, ${translation.name}, ${translation.description})`,
      ),
    );
    yield* execute(Prisma.sql`
      INSERT INTO "ProductTranslation" ("productId", "locale", "name", "description")
      VALUES ${Prisma.join(translations)}`);
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
