import "server-only";

import { createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";

import { getConfig } from "@/lib/config";
import { languageOf, type Locale } from "@/lib/i18n/locales";
import { hasPortalAccess } from "@/lib/server/auth/portal-access";
import { execute, runOneWrite, runReadOnly, runTransaction, type SqlScript } from "@/lib/server/db";
import { findCustomerOfLatestCheckout } from "@/lib/server/db/customers";
import {
  countCodeTryOnNewestChallenge,
  deleteChallengesExpiredBefore,
  findChallengeByTokenHash,
  insertSignInChallenge,
  useChallengeLink,
  useSignInChallenge,
  voidOtherSignInChallenges,
  voidSignInChallenge,
} from "@/lib/server/db/sign-in-challenges";
import { sha256Hex } from "@/lib/server/hash";
import { mailInsert } from "@/lib/server/mail/outbox";
import { sealSignIn } from "@/lib/server/tokens/sign-in-seal";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * A customer's sign-in (docs/contract.md §3.5). One e-mail carries a link and a 6-digit code for one challenge row;
 * the database keeps only their hashes (the code's an HMAC keyed by the auth secret, bound to the row), and the
 * outbox keeps them sealed (tokens/sign-in-seal.ts) until the mail worker writes the e-mail.
 *
 * - Opening the link only shows a page (`describeSignInLink`, a read); its button's POST uses it (`redeemSignInLink`).
 * - The code is typed on any browser (`redeemSignInCode`): at most CODE_TRIES are ever compared per challenge, counted
 *   by one conditional UPDATE in the shared database, so instances and parallel guesses cannot exceed it. The last
 *   wrong one voids the challenge, link and code alike; once CODES_PER_ADDRESS_PER_HOUR codes of an address's
 *   challenges of the last hour were compared, its codes are refused unread and its links stay good.
 * - Asking again makes the newest e-mail's code the one accepted; earlier links work until used or expired, and a
 *   sign-in with any of them voids the rest.
 */
export const CODE_TRIES = 5;
/**
 * Codes compared per address over the challenges of the last hour. Anyone can type codes for any address, so without
 * this a stranger could void each new e-mail's code, and with it its link, as soon as it is sent, and guess four
 * codes of every e-mail they ask for. Past it, the address's codes are refused unread (nothing counted, nothing
 * voided): its links keep working, at most two challenges an hour are voided by tries, and guessing is capped at
 * this many codes an hour whatever the number of e-mails.
 */
export const CODES_PER_ADDRESS_PER_HOUR = 2 * CODE_TRIES;
const CODE_DIGITS = 6;

export type LinkState = "valid" | "used" | "expired" | "void";
export type SignInRefusal = "link_unknown" | "link_used" | "link_expired" | "link_void" | "code_refused" | "no_access";

function codeHashOf(tokenHash: string, code: string): string {
  return createHmac("sha256", getConfig().auth.secret).update(`sign-in-code|${tokenHash}|${code}`).digest("hex");
}

function stateOf(
  row: { attempts: number; expiresAt: Date; usedAt: Date | null; voidedAt: Date | null },
  now: Date,
): LinkState {
  if (row.usedAt) return "used";
  if (row.voidedAt || row.attempts >= CODE_TRIES) return "void";
  if (row.expiresAt <= now) return "expired";
  return "valid";
}

/** A new code, uniformly from 000000 to 999999. */
function newCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, "0");
}

/**
 * A new challenge for an address that may sign in, and its e-mail, in one transaction; the address's long-expired
 * ones are deleted. Its earlier e-mails' links still work until used or expired (so nobody who asks for e-mails in
 * someone's name can void the one they hold); only the newest code is accepted. The caller decided that the address
 * gets mail.
 */
export function* issueSignInChallengeScript(
  email: string,
  locale: Locale,
  now: Date,
  businessId: number | null = null,
): SqlScript<void> {
  const token = randomBytes(32).toString("base64url");
  const code = newCode();
  const tokenHash = sha256Hex(token);
  const expiresAt = new Date(now.getTime() + getConfig().auth.signInLinkTtlMinutes * 60_000);
  yield* deleteChallengesExpiredBefore(email, new Date(now.getTime() - 24 * 3600_000));
  yield* insertSignInChallenge({
    email,
    tokenHash,
    codeHash: codeHashOf(tokenHash, code),
    expiresAt,
    createdAt: now,
  });
  yield* execute(
    mailInsert({
      kind: "auth.sign_in_link",
      recipient: email,
      payload: {
        sealed: sealSignIn({ token, code }),
        expiresAt: expiresAt.toISOString(),
        locale,
        ...(businessId === null ? {} : { businessId }),
      },
    }),
  );
}

/** Issues a sign-in for `email`, written in `locale` and carrying the brand of business `businessId` (none: the portal's). */
export async function issueSignInChallenge(
  email: string,
  locale: Locale,
  now = new Date(),
  businessId: number | null = null,
): Promise<void> {
  await runTransaction(() => issueSignInChallengeScript(email, locale, now, businessId));
}

/** Whom a sign-in e-mail comes from and how it speaks: a business (its brand), in its customer's language. */
export interface SignInSender {
  businessId: number | null;
  locale: Locale;
}

/**
 * The sender of an address's sign-in e-mail: the business of its latest checkout, in the language of its customer
 * there (that of the checkout that created them); the portal's own, in English, for an address with no customer.
 */
export async function signInSenderOf(email: string): Promise<SignInSender> {
  const customer = await runReadOnly(() => findCustomerOfLatestCheckout(normalizeEmail(email)));
  return { businessId: customer?.businessId ?? null, locale: languageOf(customer?.locale) };
}

/** The challenge of a link's token, read on its own. */
function challengeByToken(token: string) {
  return runReadOnly(() => findChallengeByTokenHash(sha256Hex(token)));
}

/** What the link's page shows, without changing anything: whose link it is and whether it still works. */
export async function describeSignInLink(
  token: string,
  now = new Date(),
): Promise<{ state: LinkState; email: string } | null> {
  if (token.length === 0 || token.length > 100) return null;
  const row = await challengeByToken(token);
  return row ? { state: stateOf(row, now), email: row.email } : null;
}

const REFUSAL_OF_STATE: Record<Exclude<LinkState, "valid">, SignInRefusal> = {
  used: "link_used",
  expired: "link_expired",
  void: "link_void",
};

/** The button's POST: uses the link once, for an address that still has portal access. */
export async function redeemSignInLink(
  token: string,
  now = new Date(),
): Promise<{ email: string } | { refused: SignInRefusal }> {
  if (token.length === 0 || token.length > 100) return { refused: "link_unknown" };
  const used = await runOneWrite(() => useChallengeLink(sha256Hex(token), now, CODE_TRIES));
  if (used) return signedIn(used.email, used.id, now);
  const row = await challengeByToken(token);
  if (!row) return { refused: "link_unknown" };
  const state = stateOf(row, now);
  return { refused: state === "valid" ? "link_used" : REFUSAL_OF_STATE[state] };
}

/**
 * A code typed on the sign-in page, for the address's newest challenge (a newer e-mail's code replaces an older
 * one's). The try is counted before the code is compared, by one conditional UPDATE: of any number of tries at once,
 * at most CODE_TRIES reach the comparison; the last wrong one voids the challenge, its link too, and an address with
 * CODES_PER_ADDRESS_PER_HOUR codes compared over the last hour's challenges has none compared (its links still work). Every refusal reads
 * the same — wrong, void, expired, or an address with no challenge at all — so the answer tells nobody whether an
 * address has an account or a sign-in under way.
 */
export async function redeemSignInCode(
  emailInput: string,
  codeInput: string,
  now = new Date(),
): Promise<{ email: string } | { refused: "code_refused" | "no_access" }> {
  const email = normalizeEmail(emailInput);
  const code = codeInput.replace(/[\s-]/g, "");
  // No address holds a control character (and PostgreSQL refuses a NUL in any text, with an error of its own).
  if (!/^\d{6}$/.test(code) || email.length > 320 || /[\u0000-\u001f]/.test(email)) return { refused: "code_refused" };
  const counted = await runOneWrite(() =>
    countCodeTryOnNewestChallenge({
      email,
      now,
      maxAttempts: CODE_TRIES,
      since: new Date(now.getTime() - 3600_000),
      maxAttemptsSince: CODES_PER_ADDRESS_PER_HOUR,
    }),
  );
  if (!counted) return { refused: "code_refused" };
  const matches = timingSafeEqual(
    Buffer.from(codeHashOf(counted.tokenHash, code), "hex"),
    Buffer.from(counted.codeHash, "hex"),
  );
  if (!matches) {
    if (counted.attempts >= CODE_TRIES) {
      await runOneWrite(() => voidSignInChallenge(counted.id, now));
    }
    return { refused: "code_refused" };
  }
  const used = await runOneWrite(() => useSignInChallenge(counted.id, now));
  if (used !== 1) return { refused: "code_refused" };
  return signedIn(email, counted.id, now);
}

/** A sign-in that worked: the address's other e-mails are of no more use, and it must still have portal access. */
async function signedIn(
  email: string,
  challengeId: number,
  now: Date,
): Promise<{ email: string } | { refused: "no_access" }> {
  await runOneWrite(() => voidOtherSignInChallenges(email, challengeId, now));
  return (await hasPortalAccess(email)) ? { email } : { refused: "no_access" };
}
