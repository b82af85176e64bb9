import "server-only";

import { built, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { query } from "@/lib/server/db/script";
import { runReadOnly } from "@/lib/server/db/transaction";

/** The businesses' store: the reads of how a business shows itself (business-brands.ts). */

/** A business's brand as stored: its name, its colour, and whether it has a logo (1) or not (0); not the logo's bytes. */
function brandColumns() {
  return sqlBuilder
    .selectFrom("Business")
    .select((eb) => [
      "id",
      "name",
      "brandColor",
      eb.case().when("logoPng", "is", null).then(eb.lit(0)).else(eb.lit(1)).end().as("hasLogo"),
    ]);
}

/** The brands of these businesses, in id order, in one statement. */
export function findBusinessBrands(businessIds: readonly number[]) {
  return runReadOnly(() =>
    query(
      built(
        brandColumns()
          .where("id", "in", [...new Set(businessIds)])
          .orderBy("id"),
      ),
    ),
  );
}

const storefrontBrand = prepare(() =>
  brandColumns()
    .where("id", "=", (eb) => eb.selectFrom("Business").select((b) => b.fn.min("id").as("id")))
    .orderBy("id"),
);

/** The brand of the storefront's business (the first), if there is a business. */
export async function findStorefrontBrand() {
  const [brand] = await runReadOnly(() => query(storefrontBrand({})));
  return brand;
}
