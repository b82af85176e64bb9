import "server-only";

import { cache } from "react";

import { brandPalette, type BrandPalette } from "@/lib/brand";
import { getDb, Prisma, query, runReadOnly } from "@/lib/server/db";
import { int, text, textOrNull } from "@/lib/server/db/columns";

/** How a business shows itself to guests: its name, its colours made readable, and its logo's address. */
export interface Brand {
  businessId: number;
  name: string;
  palette: BrandPalette;
  /** Relative address of the logo, or null when the business has none. */
  logoPath: string | null;
}

export function logoPathOf(businessId: number): string {
  return `/api/public/businesses/${businessId}/logo`;
}

const brandColumns = { id: int, name: text, brandColor: textOrNull, hasLogo: int };

/** The brands of the businesses `where` selects, in id order (the logo's bytes are not read, only whether there is one). */
async function brandsWhere(where: Prisma.Sql): Promise<Brand[]> {
  const businesses = await runReadOnly(() =>
    query(
      Prisma.sql`
      SELECT "id", "name", "brandColor", CASE WHEN "logoPng" IS NULL THEN 0 ELSE 1 END AS "hasLogo" FROM "Business"
      ${where} ORDER BY "id"`,
      brandColumns,
    ),
  );
  return businesses.map((business) => ({
    businessId: business.id,
    name: business.name,
    palette: brandPalette(business.brandColor),
    logoPath: business.hasLogo === 1 ? logoPathOf(business.id) : null,
  }));
}

/** The brands of these businesses, in one query. */
export function getBrands(businessIds: readonly number[]): Promise<Brand[]> {
  return businessIds.length === 0
    ? Promise.resolve([])
    : brandsWhere(Prisma.sql`WHERE "id" IN (${Prisma.join([...new Set(businessIds)])})`);
}

/** The brand of a business, or of the storefront's (the first business) when no id is given; once per request. */
export const getBrand = cache(async (businessId: number | null = null): Promise<Brand | null> => {
  const [brand] =
    businessId === null
      ? await brandsWhere(Prisma.sql`WHERE "id" = (SELECT MIN("id") FROM "Business")`)
      : await getBrands([businessId]);
  return brand ?? null;
});

/** The business's logo (PNG), or null. */
export async function getLogoPng(businessId: number): Promise<Uint8Array | null> {
  const business = await getDb().business.findUnique({ where: { id: businessId }, select: { logoPng: true } });
  return business?.logoPng ?? null;
}
