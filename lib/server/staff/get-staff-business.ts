import "server-only";

import type { Viewer } from "@/lib/server/auth/viewer";
import { getDb } from "@/lib/server/db";

/** The business a staff member works for. */
export async function getStaffBusiness(
  viewer: Extract<Viewer, { kind: "staff" }>,
): Promise<{ name: string; locale: string; timeZone: string }> {
  return getDb().business.findUniqueOrThrow({
    where: { id: viewer.businessId },
    select: { name: true, locale: true, timeZone: true },
  });
}
