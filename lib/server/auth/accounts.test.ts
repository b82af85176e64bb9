import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";

import { authenticateStaff } from "@/lib/server/auth/authenticate-staff";
import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { getDb } from "@/lib/server/db";
import { createBusiness, createCheckout, createRegisteredCheckout, uniqueEmail } from "@/test/factories";

const db = getDb();

async function createStaff(password: string) {
  const business = await createBusiness();
  const email = uniqueEmail();
  const staff = await db.staffUser.create({ data: { businessId: business.id, email, passwordHash: await bcrypt.hash(password, 4) } });
  return { ...staff, businessId: business.id };
}

describe("staff sign-in", () => {
  it("accepts the right password, whatever the e-mail's case, and says which business", async () => {
    const staff = await createStaff("correct horse battery");
    await expect(authenticateStaff({ email: ` ${staff.email.toUpperCase()} `, password: "correct horse battery" })).resolves.toEqual({
      staffUserId: staff.id,
      businessId: staff.businessId,
      email: staff.email,
      role: "staff",
    });
  });

  it("refuses a wrong password, an unknown e-mail and malformed input alike", async () => {
    const staff = await createStaff("correct horse battery");
    for (const credentials of [
      { email: staff.email, password: "wrong" },
      { email: uniqueEmail(), password: "correct horse battery" },
      { email: undefined, password: "x" },
      { email: staff.email, password: 42 },
      { email: staff.email, password: "x".repeat(5000) },
    ]) {
      await expect(authenticateStaff(credentials)).resolves.toBeNull();
    }
  });

  it("locks an address after ten wrong passwords, even against the right one", async () => {
    const staff = await createStaff("correct horse battery");
    for (let attempt = 0; attempt < 10; attempt++) await authenticateStaff({ email: staff.email, password: `guess ${attempt}` });
    await expect(authenticateStaff({ email: staff.email, password: "correct horse battery" })).resolves.toBeNull();
  });
});

describe("customer sign-in links", () => {
  it("queues a link for an address with portal access", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail() });
    await requestSignInLink({ email: checkout.email.toUpperCase(), url: "http://localhost/x", expiresAt: new Date() });
    const links = await db.outboxMessage.findMany({ where: { recipient: checkout.email, kind: "auth.sign_in_link" } });
    expect(links).toHaveLength(1);
  });

  it("queues nothing for an address without portal access, without telling the asker", async () => {
    const unregistered = await createCheckout();
    const stranger = uniqueEmail();
    for (const email of [unregistered.email, stranger]) {
      await expect(requestSignInLink({ email, url: "http://localhost/x", expiresAt: new Date() })).resolves.toBeUndefined();
      expect(await db.outboxMessage.count({ where: { recipient: email, kind: "auth.sign_in_link" } })).toBe(0);
    }
  });
});
