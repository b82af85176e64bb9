import "server-only";

import { cache } from "react";

import { brandPalette, type BrandPalette } from "@/lib/brand";
import { getDb } from "@/lib/server/db";
import { findBusinessBrands, findStorefrontBrand } from "@/lib/server/db/businesses";

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

/** A business's brand from its row (the logo's bytes are not read, only whether there is one). */
function brandOf(business: { id: number; name: string; brandColor: string | null; hasLogo: number }): Brand {
  return {
    businessId: business.id,
    name: business.name,
    palette: brandPalette(business.brandColor),
    logoPath: business.hasLogo === 1 ? logoPathOf(business.id) : null,
  };
}

/** The brands of these businesses, in id order, in one query. */
export async function getBrands(businessIds: readonly number[]): Promise<Brand[]> {
  if (businessIds.length === 0) return [];
  return (await findBusinessBrands(businessIds)).map(brandOf);
}

/** The brand of a business, or of the storefront's (the first business) when no id is given; once per request. */
export const getBrand = cache(async (businessId: number | null = null): Promise<Brand | null> => {
  if (businessId !== null) {
    const [brand] = await getBrands([businessId]);
    return brand ?? null;
  }
  const storefront = await findStorefrontBrand();
  return storefront ? brandOf(storefront) : null;
});

/** The business's logo (PNG), or null. */
export async function getLogoPng(businessId: number): Promise<Uint8Array | null> {
  const business = await getDb().business.findUnique({ where: { id: businessId }, select: { logoPng: true } });
  return business?.logoPng ?? null;
}
