import "server-only";

import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { enqueueMail } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * next-auth's sendVerificationRequest: queue the one-time link, but only for an address that has portal
 * access. The page says "check your e-mail" either way, so the form reveals no account.
 */
export async function requestSignInLink(input: { email: string; url: string; expiresAt: Date }): Promise<void> {
  const email = normalizeEmail(input.email);
  const customer = await getDb().customer.findFirst({
    where: { email, portalAccessGrantedAt: { not: null } },
    select: { id: true },
  });
  if (!customer) {
    logger.info("sign-in link not sent: no portal access for this address");
    return;
  }
  await enqueueMail({ kind: "auth.sign_in_link", recipient: email, payload: { url: input.url, expiresAt: input.expiresAt.toISOString() } });
  kickMailWorker();
}

/** Whether an e-mail address may hold a customer session. */
export async function hasPortalAccess(email: string): Promise<boolean> {
  const customer = await getDb().customer.findFirst({
    where: { email: normalizeEmail(email), portalAccessGrantedAt: { not: null } },
    select: { id: true },
  });
  return customer !== null;
}
