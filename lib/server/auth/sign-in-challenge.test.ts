import { describe, expect, it } from "vitest";

import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import {
  CODE_TRIES,
  CODES_PER_ADDRESS_PER_HOUR,
  describeSignInLink,
  redeemSignInCode,
  redeemSignInLink,
} from "@/lib/server/auth/sign-in-challenge";
import { getDb } from "@/lib/server/db";
import { unsealSignIn } from "@/lib/server/tokens/sign-in-seal";
import { createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";

const db = getDb();

/** Asks for a sign-in e-mail as the portal's form does, and reads its link's token and code back out of the outbox. */
async function askForSignIn(email: string, now?: Date): Promise<{ token: string; code: string }> {
  expect(await requestSignInLink({ email, clientIp: randomIp(), now })).toBe(true);
  const [queued] = await db.outboxMessage.findMany({
    where: { recipient: email, kind: "auth.sign_in_link" },
    orderBy: { id: "desc" },
    take: 1,
  });
  return unsealSignIn((JSON.parse(queued!.payload) as { sealed: string }).sealed);
}

/** A six-digit code that is not this one. */
const wrong = (code: string, offset = 1) => String((Number(code) + offset) % 1_000_000).padStart(6, "0");

describe("sign-in links", () => {
  it("are only read by opening them, however often; the button's POST uses them once", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { token } = await askForSignIn(email);
    for (let fetch = 0; fetch < 5; fetch++) expect(await describeSignInLink(token)).toEqual({ state: "valid", email });

    expect(await redeemSignInLink(token)).toEqual({ email });
    expect(await redeemSignInLink(token)).toEqual({ refused: "link_used" });
    expect(await describeSignInLink(token)).toEqual({ state: "used", email });
    expect(await redeemSignInLink("not-a-token-of-ours")).toEqual({ refused: "link_unknown" });
    expect(await describeSignInLink("not-a-token-of-ours")).toBeNull();
  });

  it("expire with their code; a newer e-mail's code replaces the older one's, while the older link still works until one is used", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const first = await askForSignIn(email);
    const later = new Date(Date.now() + 31 * 60_000);
    expect(await describeSignInLink(first.token, later)).toMatchObject({ state: "expired" });
    expect(await redeemSignInLink(first.token, later)).toEqual({ refused: "link_expired" });
    expect(await redeemSignInCode(email, first.code, later)).toEqual({ refused: "code_refused" });

    // Someone asks again in the guest's name: the e-mail the guest holds still signs in by its link, not by its code.
    const second = await askForSignIn(email);
    expect(await redeemSignInCode(email, first.code)).toEqual({ refused: "code_refused" });
    expect(await describeSignInLink(first.token)).toMatchObject({ state: "valid" });
    expect(await redeemSignInLink(first.token)).toEqual({ email });
    // A sign-in with one e-mail voids the others.
    expect(await redeemSignInLink(second.token)).toEqual({ refused: "link_void" });
    expect(await redeemSignInCode(email, second.code)).toEqual({ refused: "code_refused" });
  });

  it("never sign in an address without portal access, and none is stored for it", async () => {
    const { email } = await createCheckout();
    expect(await requestSignInLink({ email, clientIp: randomIp() })).toBe(false);
    expect(await db.signInChallenge.count({ where: { email } })).toBe(0);
  });
});

describe("sign-in codes", () => {
  it("sign in on any browser with the address, in any case and with a space; stored only as a keyed hash", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { token, code } = await askForSignIn(email);
    const row = await db.signInChallenge.findFirstOrThrow({ where: { email } });
    expect(row.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.codeHash).not.toContain(code);
    expect(row.tokenHash).not.toContain(token);

    expect(await redeemSignInCode(` ${email.toUpperCase()} `, `${code.slice(0, 3)} ${code.slice(3)}`)).toEqual({
      email,
    });
    // One e-mail, one sign-in: its code and its link are both used now.
    expect(await redeemSignInCode(email, code)).toEqual({ refused: "code_refused" });
    expect(await redeemSignInLink(token)).toEqual({ refused: "link_used" });
  });

  it("allow five wrong tries, the fifth voids the code and its link, and the right code is refused after, in the same words", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { token, code } = await askForSignIn(email);
    for (let attempt = 1; attempt <= CODE_TRIES; attempt++) {
      expect(await redeemSignInCode(email, wrong(code, attempt))).toEqual({ refused: "code_refused" });
      expect(await db.signInChallenge.findFirstOrThrow({ where: { email }, select: { attempts: true } })).toEqual({
        attempts: attempt,
      });
    }
    expect(await redeemSignInCode(email, code)).toEqual({ refused: "code_refused" });
    expect(await redeemSignInLink(token)).toEqual({ refused: "link_void" });
    expect(await describeSignInLink(token)).toMatchObject({ state: "void" });
    expect(await db.signInChallenge.findFirstOrThrow({ where: { email } })).toMatchObject({
      attempts: CODE_TRIES,
      usedAt: null,
      voidedAt: expect.any(Date),
    });
  });

  it("compare at most ten codes per address an hour, however many e-mails are asked for: then none, and its links still sign in", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const start = new Date();
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
    // A stranger asks for e-mails in the customer's name and types four wrong codes for each, voiding none.
    let compared = 0;
    for (let window = 0; compared < CODES_PER_ADDRESS_PER_HOUR; window++) {
      const { code } = await askForSignIn(email, at(window * 16));
      for (let attempt = 1; attempt < CODE_TRIES && compared < CODES_PER_ADDRESS_PER_HOUR; attempt++, compared++) {
        expect(await redeemSignInCode(email, wrong(code, attempt), at(window * 16))).toEqual({
          refused: "code_refused",
        });
      }
    }
    // The customer's own e-mail: its codes are refused without a try counted, so its link cannot be voided.
    const now = at(40);
    const { token, code } = await askForSignIn(email, now);
    for (let attempt = 1; attempt <= CODE_TRIES; attempt++)
      expect(await redeemSignInCode(email, wrong(code, attempt), now)).toEqual({ refused: "code_refused" });
    expect(await redeemSignInCode(email, code, now)).toEqual({ refused: "code_refused" });
    const challenges = await db.signInChallenge.findMany({ where: { email }, select: { attempts: true } });
    expect(challenges.reduce((sum, challenge) => sum + challenge.attempts, 0)).toBe(CODES_PER_ADDRESS_PER_HOUR);
    expect(await redeemSignInLink(token, now)).toEqual({ email });

    // An hour after those e-mails, the address's codes are compared again.
    const fresh = await askForSignIn(email, at(100));
    expect(await redeemSignInCode(email, fresh.code, at(100))).toEqual({ email });
  });

  it("compare no more than ten of sixty wrong guesses sent at once at an address's newest e-mails", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    for (let round = 0; round < 3; round++) {
      const { code } = await askForSignIn(email);
      await Promise.all(Array.from({ length: 20 }, (_, index) => redeemSignInCode(email, wrong(code, index + 1))));
    }
    const challenges = await db.signInChallenge.findMany({ where: { email }, select: { attempts: true } });
    expect(challenges.reduce((sum, challenge) => sum + challenge.attempts, 0)).toBe(CODES_PER_ADDRESS_PER_HOUR);
  });

  it("compare no more than five of thirty wrong guesses sent at once", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { code } = await askForSignIn(email);
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => redeemSignInCode(email, wrong(code, index + 1))),
    );
    expect(answers).toEqual(Array.from({ length: 30 }, () => ({ refused: "code_refused" })));
    // Five were counted, and so compared; the other twenty-five found no tries left.
    expect(await db.signInChallenge.findFirstOrThrow({ where: { email } })).toMatchObject({ attempts: CODE_TRIES });
    expect(await redeemSignInCode(email, code)).toEqual({ refused: "code_refused" });
  });

  it("answer an address with no account, one whose sign-in is spent, and a wrong code alike", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { code } = await askForSignIn(email);
    expect(await redeemSignInCode(email, code)).toEqual({ email });
    const answers = [
      await redeemSignInCode(email, code),
      await redeemSignInCode(uniqueEmail(), code),
      await redeemSignInCode(email, wrong(code)),
    ];
    expect(answers).toEqual([{ refused: "code_refused" }, { refused: "code_refused" }, { refused: "code_refused" }]);
  });

  it("refuse a malformed code without counting a try", async () => {
    const { email } = await createRegisteredCheckout({ email: uniqueEmail() });
    const { code } = await askForSignIn(email);
    for (const malformed of ["", "12345", "1234567", "abcdef", "12 34 5x", "١٢٣٤٥٦"])
      expect(await redeemSignInCode(email, malformed)).toEqual({ refused: "code_refused" });
    expect(await db.signInChallenge.findFirstOrThrow({ where: { email } })).toMatchObject({ attempts: 0 });
    expect(await redeemSignInCode(email, code)).toEqual({ email });
  });
});
