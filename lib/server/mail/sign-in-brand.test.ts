import { describe, expect, it } from "vitest";

import { brandPalette } from "@/lib/brand";
import { getConfig } from "@/lib/config";
import { issueSignInChallenge } from "@/lib/server/auth/sign-in-challenge";
import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { getDb } from "@/lib/server/db";
import { createBusiness, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { deliverMailTo } from "@/test/deliver-mail";
import type { OutboxMail } from "@/test/mail-outbox";
import { randomIp } from "@/test/register-client";

/**
 * The sign-in e-mail belongs to an address, not to one business, yet it comes from the business the guest dealt
 * with last: in its brand (colour, logo, name), as its receipt and account e-mails are, and in the language of its
 * customer there (docs/contract.md §3.5).
 */
const db = getDb();
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");

/** The sign-in e-mails delivered to `recipient` so far, oldest first (other tests' mail is held back). */
async function signInMailsTo(recipient: string): Promise<OutboxMail[]> {
  return (await deliverMailTo(recipient)).filter((mail) => mail.text.includes("/portal/sign-in/link?token="));
}

async function brandedBusiness(color: string): Promise<{ id: number; name: string; accent: string; logo: string }> {
  const { id } = await createBusiness();
  const { name } = await db.business.update({
    where: { id },
    data: { brandColor: color, logoPng: PNG },
    select: { name: true },
  });
  return {
    id,
    name,
    accent: brandPalette(color).accent,
    logo: new URL(`/api/public/businesses/${id}/logo`, getConfig().appUrl).href,
  };
}

describe("the sign-in e-mail", () => {
  it("carries the brand of the business of the address's latest checkout, in its customer's language there", async () => {
    const email = uniqueEmail();
    const violet = await brandedBusiness("#6b2fa3");
    const teal = await brandedBusiness("#0d7d86");
    await createRegisteredCheckout({ email, businessId: violet.id, locale: "de" });
    await createRegisteredCheckout({ email, businessId: teal.id, locale: "fr" });

    expect(await requestSignInLink({ email, clientIp: randomIp() })).toBe(true);
    const [fromTeal] = await signInMailsTo(email);
    expect(fromTeal?.html).toContain(`border-top:6px solid ${teal.accent}`);
    expect(fromTeal?.html).toContain(`src="${teal.logo}"`);
    expect(fromTeal?.html).toContain(teal.name);
    expect(fromTeal?.html).not.toContain(violet.name);
    expect(fromTeal?.html).toContain('<html lang="fr">');

    // A later purchase from the first business makes it the sender again, in the language of its customer.
    await createRegisteredCheckout({ email, businessId: violet.id, locale: "es" });
    expect(await requestSignInLink({ email, clientIp: randomIp() })).toBe(true);
    const fromViolet = (await signInMailsTo(email)).find((mail) => mail.file !== fromTeal?.file);
    expect(fromViolet?.html).toContain(`border-top:6px solid ${violet.accent}`);
    expect(fromViolet?.html).toContain(`src="${violet.logo}"`);
    expect(fromViolet?.html).toContain(violet.name);
    expect(fromViolet?.html).not.toContain(teal.name);
    expect(fromViolet?.html).toContain('<html lang="de">');
  });

  it("comes from the portal itself, in its own colours, when it names no business (queued before it did)", async () => {
    const email = uniqueEmail();
    await issueSignInChallenge(email, "en");

    const [mail] = await signInMailsTo(email);
    expect(mail?.html).toContain(`border-top:6px solid ${brandPalette(null).accent}`);
    expect(mail?.html).not.toContain("<img");
  });
});
