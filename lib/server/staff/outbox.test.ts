import { describe, expect, it } from "vitest";

import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { listOutbox, readOutboxMessageOrThrow } from "@/lib/server/staff/outbox";
import { getDb } from "@/lib/server/db";
import { createBusiness, createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { randomIp } from "@/test/register-client";

describe("the staff outbox", () => {
  it("shows a business only its own messages: not the sign-in links of an address that is also another business's customer", async () => {
    const email = uniqueEmail();
    const ours = await createRegisteredCheckout({ email, businessId: (await createBusiness()).id });
    const theirs = await createRegisteredCheckout({ email, businessId: (await createBusiness()).id });
    // The customer asks for a sign-in link (for the portal, on the other business's behalf as much as ours).
    await requestSignInLink({ email, clientIp: randomIp() });
    const link = await getDb().outboxMessage.findFirstOrThrow({
      where: { recipient: email, kind: "auth.sign_in_link" },
      select: { id: true },
    });

    const listed = await listOutbox({ businessId: ours.businessId });
    expect(listed.map((message) => message.kind)).toEqual(["registration.new_customer", "checkout.receipt"]);
    expect(listed.every((message) => message.recipient === email)).toBe(true);
    await expect(readOutboxMessageOrThrow({ businessId: ours.businessId, messageId: link.id })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(readOutboxMessageOrThrow({ businessId: theirs.businessId, messageId: link.id })).rejects.toMatchObject(
      { code: "not_found" },
    );
    const [theirMail] = await listOutbox({ businessId: theirs.businessId });
    await expect(
      readOutboxMessageOrThrow({ businessId: ours.businessId, messageId: theirMail!.id }),
    ).rejects.toMatchObject({ code: "not_found" });
  });
});
