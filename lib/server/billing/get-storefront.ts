import "server-only";

import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";

/** The business this portal sells for (the first one: one business per deployment) and its products. */
export async function getStorefrontOrThrow() {
  const business = await getDb().business.findFirst({
    orderBy: { id: "asc" },
    select: {
      id: true,
      name: true,
      currency: true,
      locale: true,
      products: {
        where: { active: true },
        orderBy: { id: "asc" },
        select: { id: true, name: true, description: true, unitPriceMinor: true, taxRateBp: true },
      },
    },
  });
  if (!business) throw new AppError("not_found", { detail: "No business is set up yet." });
  return business;
}
export type Storefront = Awaited<ReturnType<typeof getStorefrontOrThrow>>;
