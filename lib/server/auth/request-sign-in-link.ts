import "server-only";

import { hasPortalAccess } from "@/lib/server/auth/portal-access";
import { issueSignInChallenge, signInSenderOf } from "@/lib/server/auth/sign-in-challenge";
import { logger } from "@/lib/server/logger";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { charge, type LimitRule } from "@/lib/server/rate-limit";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * The portal's "e-mail me a sign-in link" (POST /api/portal/sign-in-link). Only an address with portal access gets
 * an e-mail (a link and a code: sign-in-challenge.ts), at most LINKS_PER_ADDRESS per window, and one client address
 * may ask at most REQUESTS_PER_CLIENT times per window, whatever the addresses. Whatever is decided, the answer is
 * the same ("check your e-mail"), so it reveals no account; an address that gets no mail leaves no row behind (its
 * limit is only counted once it has portal access).
 */
const WINDOW_SECONDS = 15 * 60;
const LINKS_PER_ADDRESS = 3;
const REQUESTS_PER_CLIENT = 20;
const perAddress: LimitRule = {
  prefix: "sign-in-link-email",
  points: LINKS_PER_ADDRESS,
  windowSeconds: WINDOW_SECONDS,
};
const perClient: LimitRule = { prefix: "sign-in-link-ip", points: REQUESTS_PER_CLIENT, windowSeconds: WINDOW_SECONDS };

async function mayReceiveSignInLink(email: string, clientIp: string, now: Date): Promise<boolean> {
  // No customer's address holds a control character (and PostgreSQL cannot even compare one with NUL).
  if (/[\u0000-\u001f]/.test(email)) return false;
  if ((await charge([[perClient, clientIp]], 1, now)) > 0) {
    logger.warn("sign-in link not sent: too many requests from this client address");
    return false;
  }
  if (!(await hasPortalAccess(email))) {
    logger.info("sign-in link not sent: no portal access for this address");
    return false;
  }
  if ((await charge([[perAddress, email]], 1, now)) > 0) {
    logger.warn("sign-in link not sent: too many links for this address");
    return false;
  }
  return true;
}

/**
 * Sends a link and a code when the address may have them, from the business of its latest checkout (its brand) in
 * its customer's language there; answers whether it did.
 */
export async function requestSignInLink(input: { email: string; clientIp: string; now?: Date }): Promise<boolean> {
  const email = normalizeEmail(input.email);
  const now = input.now ?? new Date();
  if (!(await mayReceiveSignInLink(email, input.clientIp, now))) return false;
  const sender = await signInSenderOf(email);
  await issueSignInChallenge(email, sender.locale, now, sender.businessId);
  kickMailWorker();
  return true;
}
