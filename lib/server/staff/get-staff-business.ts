import "server-only";

import { cache } from "react";

import type { Viewer } from "@/lib/server/auth/viewer";
import { getDb } from "@/lib/server/db";

/** The business of this id, read once per request however many parts of a page ask (its title, its frame). */
const businessById = cache(async (businessId: number) =>
  getDb().business.findUniqueOrThrow({
    where: { id: businessId },
    select: { name: true, locale: true, timeZone: true },
  }),
);

/** The business a staff member works for. */
export async function getStaffBusiness(
  viewer: Extract<Viewer, { kind: "staff" }>,
): Promise<{ name: string; locale: string; timeZone: string }> {
  return businessById(viewer.businessId);
}
