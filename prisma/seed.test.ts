import bcrypt from "bcryptjs";
import { afterEach, describe, expect, it, vi } from "vitest";

import { getDb } from "@/lib/server/db";
import { seedIfEmpty } from "@/prisma/seed";

const db = getDb();
const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

describe("seed", () => {
  it("refuses to seed a production database without staff credentials, writing nothing", async () => {
    process.env.APP_ENV = "production";
    process.env.SEED_STAFF_EMAIL = "";
    process.env.SEED_STAFF_PASSWORD = "";
    // The configuration is read once per module graph: load the seed afresh to see production mode.
    vi.resetModules();
    const production = await import("@/prisma/seed");
    const before = await db.business.count();
    await expect(production.seedIfEmpty()).rejects.toThrow(/SEED_STAFF_EMAIL and SEED_STAFF_PASSWORD are required/);
    expect(await db.business.count()).toBe(before);
  });

  it("seeds an empty database once: a GBP business, its products and a staff user with a hashed password", async () => {
    process.env.SEED_STAFF_EMAIL = " Front.Desk@Example.com ";
    process.env.SEED_STAFF_PASSWORD = "a-long-test-password";

    expect(await seedIfEmpty()).toBe(true);
    expect(await seedIfEmpty()).toBe(false);

    const businesses = await db.business.findMany({ include: { products: true, staffUsers: true } });
    expect(businesses).toHaveLength(1);
    const [business] = businesses;
    expect(business).toMatchObject({
      currency: "GBP",
      locale: "en-GB",
      timeZone: "Europe/London",
      invoicePrefix: "INV",
    });
    expect(business!.products.length).toBeGreaterThanOrEqual(3);
    expect(
      business!.products.every((product) => Number.isInteger(product.unitPriceMinor) && product.unitPriceMinor > 0),
    ).toBe(true);
    // The demo shows products in the guests' languages: every product has a German, French and Spanish name.
    const translations = await db.productTranslation.findMany({
      select: { productId: true, locale: true, name: true },
    });
    for (const product of business!.products)
      expect(
        translations
          .filter((translation) => translation.productId === product.id)
          .map(({ locale }) => locale)
          .sort(),
      ).toEqual(["de", "es", "fr"]);
    expect(translations).toContainEqual(expect.objectContaining({ locale: "de", name: "Tagespass" }));
    const [staff] = business!.staffUsers;
    expect(staff!.email).toBe("front.desk@example.com");
    expect(staff!.passwordHash).not.toContain("a-long-test-password");
    expect(await bcrypt.compare("a-long-test-password", staff!.passwordHash)).toBe(true);
  });
});
