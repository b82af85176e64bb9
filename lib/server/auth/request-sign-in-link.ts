import "server-only";

import { currentAuthRequest } from "@/lib/server/auth/auth-request";
import { getDb } from "@/lib/server/db";
import { logger } from "@/lib/server/logger";
import { enqueueMail } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { charge, type LimitRule } from "@/lib/server/rate-limit";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * The portal's "e-mail me a sign-in link". next-auth stores the link's token (adapter) and sends it
 * (sendVerificationRequest) at the same time; both ask `mayReceiveSignInLink` first, which decides once per
 * request: only an address with portal access gets a link, at most LINKS_PER_ADDRESS per window, and one client
 * address may ask at most REQUESTS_PER_CLIENT times per window, whatever the addresses. Whatever is decided, the
 * form answers the same ("check your e-mail"), so it reveals no account; an address that gets no mail leaves no
 * row behind (its limit is only counted once it has portal access).
 */
const WINDOW_SECONDS = 15 * 60;
const LINKS_PER_ADDRESS = 3;
const REQUESTS_PER_CLIENT = 20;
const perAddress: LimitRule = { prefix: "sign-in-link-email", points: LINKS_PER_ADDRESS, windowSeconds: WINDOW_SECONDS };
const perClient: LimitRule = { prefix: "sign-in-link-ip", points: REQUESTS_PER_CLIENT, windowSeconds: WINDOW_SECONDS };

async function decide(email: string, clientIp: string): Promise<boolean> {
  const now = new Date();
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

/** Whether this request's link for `email` is stored and sent; the same answer for every ask within a request. */
export function mayReceiveSignInLink(email: string): Promise<boolean> {
  const request = currentAuthRequest();
  const normalized = normalizeEmail(email);
  if (!request) return decide(normalized, "local");
  let decision = request.signInLinkDecisions.get(normalized);
  if (!decision) request.signInLinkDecisions.set(normalized, (decision = decide(normalized, request.clientIp)));
  return decision;
}

/**
 * next-auth's sendVerificationRequest: queues the one-time link when `mayReceiveSignInLink` says so, in the
 * customer's language (the newest customer's, when the address is a customer of several businesses).
 */
export async function requestSignInLink(input: { email: string; url: string; expiresAt: Date }): Promise<void> {
  const email = normalizeEmail(input.email);
  if (!(await mayReceiveSignInLink(email))) return;
  const customer = await getDb().customer.findFirst({
    where: { email, portalAccessGrantedAt: { not: null } },
    orderBy: { id: "desc" },
    select: { locale: true },
  });
  await enqueueMail({
    kind: "auth.sign_in_link",
    recipient: email,
    payload: { url: input.url, expiresAt: input.expiresAt.toISOString(), locale: customer?.locale },
  });
  kickMailWorker();
}

/** Whether an e-mail address may hold a customer session. */
export async function hasPortalAccess(email: string): Promise<boolean> {
  if (/[\u0000-\u001f]/.test(email)) return false;
  const customer = await getDb().customer.findFirst({
    where: { email: normalizeEmail(email), portalAccessGrantedAt: { not: null } },
    select: { id: true },
  });
  return customer !== null;
}
