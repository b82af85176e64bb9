import "server-only";

import type { Locale } from "@/lib/i18n/locales";
import { runReadOnly } from "@/lib/server/db";
import { findStorefront } from "@/lib/server/db/products";
import { AppError } from "@/lib/server/errors";

/**
 * The business this portal sells for (the first one: one business per deployment) and its products, named in the
 * guest's language (`locale`) where the business gives a translation, by their own names otherwise or without one.
 */
export async function getStorefrontOrThrow(locale: Locale | null = null) {
  const storefront = await runReadOnly(() => findStorefront(locale));
  if (!storefront) throw new AppError("not_found", { detail: "No business is set up yet." });
  return storefront;
}
export type Storefront = Awaited<ReturnType<typeof getStorefrontOrThrow>>;
