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

export function brandOf(business: { id: number; name: string; brandColor: string | null; hasLogo: boolean }): Brand {
  return {
    businessId: business.id,
    name: business.name,
    palette: brandPalette(business.brandColor),
    logoPath: business.hasLogo ? logoPathOf(business.id) : null,
  };
}

const brandColumns = { id: int, name: text, brandColor: textOrNull, hasLogo: int };

async function loadBrand(businessId: number | null): Promise<Brand | null> {
  const [business] = await runReadOnly(() =>
    query(
      Prisma.sql`
      SELECT "id", "name", "brandColor", CASE WHEN "logoPng" IS NULL THEN 0 ELSE 1 END AS "hasLogo" FROM "Business"
      ${businessId === null ? Prisma.empty : Prisma.sql`WHERE "id" = ${businessId}`}
      ORDER BY "id" LIMIT 1`,
      brandColumns,
    ),
  );
  return business ? brandOf({ ...business, hasLogo: business.hasLogo === 1 }) : null;
}

/** The brand of a business, or of the storefront's (the first business) when no id is given; once per request. */
export const getBrand = cache((businessId: number | null = null) => loadBrand(businessId));

/** The business's logo (PNG), or null. */
export async function getLogoPng(businessId: number): Promise<Uint8Array | null> {
  const business = await getDb().business.findUnique({ where: { id: businessId }, select: { logoPng: true } });
  return business?.logoPng ?? null;
}
