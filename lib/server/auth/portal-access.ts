import "server-only";

import { getDb } from "@/lib/server/db";
import { normalizeEmail } from "@/lib/validation/guest";

/** Whether an e-mail address may hold a customer session: a customer of some business with portal access has it. */
export async function hasPortalAccess(email: string): Promise<boolean> {
  if (/[\u0000-\u001f]/.test(email)) return false;
  const customer = await getDb().customer.findFirst({
    where: { email: normalizeEmail(email), portalAccessGrantedAt: { not: null } },
    select: { id: true },
  });
  return customer !== null;
}
