import "server-only";

import type { RawBuilder } from "kysely";

import { type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import { query, type SqlScript } from "@/lib/server/db/script";

/**
 * The products' store: what a business sells, named in a guest's language where the business gives its products a
 * translation (ProductTranslation), and by the product's own name and description otherwise (docs/contract.md §4.6).
 */

/** A product as a guest reads it: its name and description in the guest's language, or its own. */
export interface LocalizedProduct {
  id: number;
  name: string;
  description: string;
  unitPriceMinor: number;
  taxRateBp: number;
}

/**
 * Products `p` with their name and description in `locale`: a translation's (`t`) where the business gives one, its
 * description only when it has one; the product's own otherwise. Callers select the rest and say which products.
 */
export function localizedProducts(locale: RawBuilder<string | null> | string) {
  return sqlBuilder
    .selectFrom("Product as p")
    .leftJoin("ProductTranslation as t", (join) => join.onRef("t.productId", "=", "p.id").on("t.locale", "=", locale))
    .select((eb) => [
      eb.fn.coalesce("t.name", "p.name").as("name"),
      eb.fn.coalesce(eb.fn<string | null>("nullif", ["t.description", sql.lit("")]), "p.description").as("description"),
    ]);
}

const storefrontBusiness = prepare(() =>
  sqlBuilder.selectFrom("Business").select(["id", "name", "currency", "locale"]).orderBy("id").limit(1),
);

const activeProductsIn = prepare((p: Parameters<{ businessId: number; locale: string | null }>) =>
  localizedProducts(p.locale)
    .select(["p.id", "p.unitPriceMinor", "p.taxRateBp"])
    .where("p.businessId", "=", p.businessId)
    .where("p.active", "=", true)
    .orderBy("p.id"),
);

export interface StorefrontRow {
  id: number;
  name: string;
  currency: string;
  locale: string;
  products: LocalizedProduct[];
}

/**
 * The business this portal sells for (the first one) and the products it sells now, in id order, named in `locale`
 * where the business gives a translation (by their own names for null); null when there is no business yet.
 */
export function* findStorefront(locale: string | null): SqlScript<StorefrontRow | null> {
  const [business] = yield* query(storefrontBusiness({}));
  if (!business) return null;
  const products = yield* query(activeProductsIn({ businessId: business.id, locale }));
  return { ...business, products };
}
