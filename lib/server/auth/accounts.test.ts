import bcrypt from "bcryptjs";
import { describe, expect, it, vi } from "vitest";

import { authenticateStaff } from "@/lib/server/auth/authenticate-staff";
import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { getDb } from "@/lib/server/db";
import { createBusiness, createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";

const db = getDb();

async function createStaff(password: string) {
  const business = await createBusiness();
  const email = uniqueEmail();
  const staff = await db.staffUser.create({
    data: { businessId: business.id, email, passwordHash: await bcrypt.hash(password, 4) },
  });
  return { ...staff, businessId: business.id };
}

describe("staff sign-in", () => {
  const at = (clientIp: string) => (email: unknown, password: unknown) =>
    authenticateStaff({ email, password, clientIp });

  it("accepts the right password, whatever the e-mail's case, and says which business", async () => {
    const staff = await createStaff("correct horse battery");
    await expect(at(randomIp())(` ${staff.email.toUpperCase()} `, "correct horse battery")).resolves.toEqual({
      staffUserId: staff.id,
      businessId: staff.businessId,
      email: staff.email,
      role: "staff",
    });
  });

  it("refuses a wrong password, an unknown e-mail and malformed input alike", async () => {
    const staff = await createStaff("correct horse battery");
    const signIn = at(randomIp());
    for (const [email, password] of [
      [staff.email, "wrong"],
      [uniqueEmail(), "correct horse battery"],
      [undefined, "x"],
      [staff.email, 42],
      [staff.email, "x".repeat(5000)],
    ]) {
      await expect(signIn(email, password)).resolves.toBeNull();
    }
  });

  it("locks an address for the client that tried ten wrong passwords, even against the right one; not for anyone else", async () => {
    const staff = await createStaff("correct horse battery");
    const attacker = at(randomIp());
    for (let attempt = 0; attempt < 10; attempt++) await attacker(staff.email, `guess ${attempt}`);
    await expect(attacker(staff.email, "correct horse battery")).resolves.toBeNull();
    await expect(at(randomIp())(staff.email, "correct horse battery")).resolves.toMatchObject({
      staffUserId: staff.id,
    });
  });

  it("charges each try before comparing: of 40 at once, at most ten passwords are compared, and the right one sent last is refused", async () => {
    const staff = await createStaff("correct horse battery");
    const signIn = at(randomIp());
    const compare = vi.spyOn(bcrypt, "compare");
    try {
      const tries = Array.from({ length: 39 }, (_, attempt) => signIn(staff.email, `guess ${attempt}`));
      tries.push(signIn(staff.email, "correct horse battery"));
      const outcomes = await Promise.all(tries);
      expect(outcomes.every((outcome) => outcome === null)).toBe(true);
      expect(compare.mock.calls.length).toBeLessThanOrEqual(10);
    } finally {
      compare.mockRestore();
    }
  });

  it("limits one client address across e-mail addresses: spraying a password stops after thirty tries", async () => {
    const staff = await createStaff("correct horse battery");
    const sprayer = at(randomIp());
    for (let attempt = 0; attempt < 30; attempt++) await sprayer(uniqueEmail(), "correct horse battery");
    await expect(sprayer(staff.email, "correct horse battery")).resolves.toBeNull();
  }, 90_000);

  it("gives a successful sign-in's point back: signing in often never locks anyone out", async () => {
    const staff = await createStaff("correct horse battery");
    const signIn = at(randomIp());
    for (let attempt = 0; attempt < 12; attempt++)
      await expect(signIn(staff.email, "correct horse battery")).resolves.not.toBeNull();
  });
});

describe("customer sign-in e-mails", () => {
  it("queues one for an address with portal access, whatever its case", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    await expect(requestSignInLink({ email: checkout.email.toUpperCase(), clientIp: randomIp() })).resolves.toBe(true);
    const links = await db.outboxMessage.findMany({ where: { recipient: checkout.email, kind: "auth.sign_in_link" } });
    expect(links).toHaveLength(1);
  });

  it("queues nothing for an address without portal access, and stores nothing for it", async () => {
    const unregistered = await createCheckout();
    const stranger = uniqueEmail();
    for (const email of [unregistered.email, stranger]) {
      await expect(requestSignInLink({ email, clientIp: randomIp() })).resolves.toBe(false);
      expect(await db.outboxMessage.count({ where: { recipient: email, kind: "auth.sign_in_link" } })).toBe(0);
      expect(await db.signInChallenge.count({ where: { email } })).toBe(0);
    }
  });
});
