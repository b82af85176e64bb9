import { describe, expect, it } from "vitest";

import { getConfig } from "@/lib/config";
import { execute, getDb, Prisma, runTransaction } from "@/lib/server/db";
import { deliverOutbox } from "@/lib/server/mail/deliver-outbox";
import { issueSignInChallenge } from "@/lib/server/auth/sign-in-challenge";
import type { MailTransport, OutgoingMail } from "@/lib/server/mail/transport";
import { runMailWorker } from "@/lib/server/mail/worker";
import { unsealSignIn } from "@/lib/server/tokens/sign-in-seal";
import { createRegisteredCheckout, uniqueEmail } from "@/test/factories";
import { readOutbox } from "@/test/mail-outbox";
import { readPdf } from "@/test/pdf-text";

const db = getDb();

/** A transport that records what it was given, failing the first `failures` calls. */
function recordingTransport(failures = 0): MailTransport & { sent: OutgoingMail[] } {
  let calls = 0;
  const sent: OutgoingMail[] = [];
  return {
    name: "recording",
    sent,
    async send(mail) {
      calls++;
      if (calls <= failures) throw new Error("SMTP 421 try again later");
      sent.push(mail);
    },
  };
}

/** The registration (account) e-mail of `email`: the row the worker's mechanics are watched on. */
async function outboxRowFor(email: string) {
  return db.outboxMessage.findFirstOrThrow({
    where: { recipient: email, kind: { startsWith: "registration." } },
    orderBy: { id: "desc" },
  });
}

/**
 * Other tests of this file queue mail too: postpone every pending row but those of `recipients`, and their receipts
 * too unless asked (the worker's mechanics are watched on the registration e-mail alone).
 */
async function postponeAllBut(recipients: string[], options: { receipts?: boolean } = {}) {
  const receipts = options.receipts ? Prisma.empty : Prisma.sql` OR "kind" = 'checkout.receipt'`;
  await runTransaction(() =>
    execute(Prisma.sql`
      UPDATE "OutboxMessage" SET "nextAttemptAt" = ${new Date("2100-01-01")}
      WHERE "status" = 'pending' AND ("recipient" NOT IN (${Prisma.join(recipients)})${receipts})`),
  );
}

async function deliverOnly(recipient: string, options: Parameters<typeof deliverOutbox>[0] = {}) {
  await postponeAllBut([recipient]);
  return deliverOutbox(options);
}

describe("mail outbox worker", () => {
  it("delivers the receipt and the account e-mail as .eml files: the receipt in text and HTML, and the invoice PDF attached", async () => {
    const checkout = await createRegisteredCheckout({ email: uniqueEmail(), name: "Grace Hopper" });

    await postponeAllBut([checkout.email], { receipts: true });
    const report = await deliverOutbox();

    expect(report).toEqual({ sent: 2, retrying: 0, failed: 0 });
    const row = await outboxRowFor(checkout.email);
    expect(row).toMatchObject({
      status: "sent",
      attempts: 1,
      lastError: null,
      claimedUntil: null,
      sentAt: expect.any(Date),
    });
    const mails = (await readOutbox(getConfig().mail.outboxDir)).filter((candidate) => candidate.to === checkout.email);
    const account = mails.find((candidate) => /^Your account at Test Space \w+ is ready$/.test(candidate.subject));
    expect(account?.text).toContain("Hello Grace Hopper,");
    expect(account?.attachments).toEqual([]);
    const mail = mails.find((candidate) => /^Your receipt from Test Space \w+$/.test(candidate.subject));
    expect(mail?.text).toContain("Hello Grace Hopper,");
    expect(mail?.text).toContain(`/portal/sign-in?email=${encodeURIComponent(checkout.email)}`);
    // The receipt: the invoice, what was bought and what was paid (2 day passes and a meeting room, 20 % tax).
    const number = /Invoice: (TST-\d{4}-\d{6})/.exec(mail?.text ?? "")?.[1];
    expect(number).toBeDefined();
    expect(mail?.text).toMatch(/Day pass, 2\u00a0×\u00a0£25\.00 +£50\.00/);
    expect(mail?.text).toMatch(/Meeting room, 1\u00a0×\u00a0£40\.00 +£40\.00/);
    expect(mail?.text).toMatch(/Subtotal +£90\.00/);
    expect(mail?.text).toMatch(/VAT 20% +£18\.00/);
    expect(mail?.text).toMatch(/Total paid +£108\.00/);
    expect(mail?.html).toContain("<h1");
    expect(mail?.html).toContain("Sign in to your account");
    expect(mail?.html).toContain("£108.00");
    // The invoice itself, attached.
    expect(mail?.attachments.map((attachment) => [attachment.filename, attachment.contentType])).toEqual([
      [`${number}.pdf`, "application/pdf"],
    ]);
    const pdf = readPdf(mail!.attachments[0]!.content).text;
    expect(pdf).toContain(number);
    expect(pdf).toContain("Grace Hopper");
  });

  it("sends an existing customer the 'purchase added' e-mail", async () => {
    const email = uniqueEmail();
    const first = await createRegisteredCheckout({ email });
    await createRegisteredCheckout({ email, businessId: first.businessId });
    const transport = recordingTransport();

    await deliverOnly(email, { transport });

    expect(transport.sent.map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/^Your account at .* is ready$/),
      expect.stringMatching(/^A purchase was added to your account at /),
    ]);
  });

  it("retries after a failing transport, with backoff, and then delivers once", async () => {
    const checkout = await createRegisteredCheckout();
    const start = new Date();
    const transport = recordingTransport(1);

    expect(await deliverOnly(checkout.email, { transport, now: start })).toEqual({ sent: 0, retrying: 1, failed: 0 });
    const failed = await outboxRowFor(checkout.email);
    expect(failed).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "SMTP 421 try again later",
      claimedUntil: null,
    });
    expect(failed.nextAttemptAt.getTime() - start.getTime()).toBe(30_000);

    expect(await deliverOnly(checkout.email, { transport, now: new Date(start.getTime() + 10_000) })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
    });
    expect(await deliverOnly(checkout.email, { transport, now: new Date(start.getTime() + 31_000) })).toEqual({
      sent: 1,
      retrying: 0,
      failed: 0,
    });
    expect(transport.sent).toHaveLength(1);
    expect(await outboxRowFor(checkout.email)).toMatchObject({ status: "sent", attempts: 2, lastError: null });

    expect(await deliverOnly(checkout.email, { transport, now: new Date(start.getTime() + 3_600_000) })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
    });
    expect(transport.sent).toHaveLength(1);
  });

  it("gives up after MAIL_MAX_ATTEMPTS and marks the row failed", async () => {
    const checkout = await createRegisteredCheckout();
    const transport = recordingTransport(Number.POSITIVE_INFINITY);
    let now = Date.now();
    for (let attempt = 1; attempt <= getConfig().mail.maxAttempts; attempt++) {
      await deliverOnly(checkout.email, { transport, now: new Date(now) });
      now += 2 * 3_600_000;
    }
    expect(await outboxRowFor(checkout.email)).toMatchObject({
      status: "failed",
      attempts: getConfig().mail.maxAttempts,
    });
    expect(await deliverOnly(checkout.email, { transport, now: new Date(now) })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
    });
  });

  it("never sends a row twice when two workers run at once", async () => {
    const emails = Array.from({ length: 5 }, () => uniqueEmail());
    for (const email of emails) await createRegisteredCheckout({ email });
    await postponeAllBut(emails);
    const transport = recordingTransport();

    const reports = await Promise.all([
      deliverOutbox({ transport }),
      deliverOutbox({ transport }),
      deliverOutbox({ transport }),
    ]);

    expect(reports.reduce((sum, report) => sum + report.sent, 0)).toBe(5);
    expect(transport.sent.map((mail) => mail.to).sort()).toEqual([...emails].sort());
  });

  it("after a restart, retries a row whose worker died mid-delivery once its lease has run out", async () => {
    const checkout = await createRegisteredCheckout();
    const row = await outboxRowFor(checkout.email);
    // What a worker killed between claiming and sending leaves behind.
    const leaseEnd = new Date(Date.now() + 60_000);
    await db.outboxMessage.update({ where: { id: row.id }, data: { status: "sending", claimedUntil: leaseEnd } });
    const transport = recordingTransport();

    expect((await deliverOnly(checkout.email, { transport })).sent).toBe(0);
    expect((await deliverOnly(checkout.email, { transport, now: new Date(leaseEnd.getTime() + 1) })).sent).toBe(1);
    expect(transport.sent).toHaveLength(1);
    expect(await outboxRowFor(checkout.email)).toMatchObject({ status: "sent" });
  });

  it("a row it cannot render fails alone: the others of its batch go out, and it is retried, then given up", async () => {
    const checkout = await createRegisteredCheckout();
    const broken = uniqueEmail();
    for (const payload of ["{not json", JSON.stringify({ invoiceId: checkout.invoiceId })]) {
      await runTransaction(() =>
        execute(Prisma.sql`
          INSERT INTO "OutboxMessage" ("kind", "recipient", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
          VALUES ('registration.new_customer', ${broken}, ${payload}, 'pending', 0, ${new Date()}, ${new Date()})`),
      );
    }
    await postponeAllBut([checkout.email, broken]);
    const transport = recordingTransport();

    expect(await deliverOutbox({ transport })).toEqual({ sent: 1, retrying: 2, failed: 0 });
    expect(transport.sent.map((mail) => mail.to)).toEqual([checkout.email]);
    const rows = await db.outboxMessage.findMany({
      where: { recipient: broken },
      select: { status: true, attempts: true, lastError: true },
    });
    expect(rows).toEqual([
      { status: "pending", attempts: 1, lastError: expect.stringMatching(/unreadable payload/) },
      { status: "pending", attempts: 1, lastError: expect.stringMatching(/unreadable payload/) },
    ]);
  });

  it("does not keep a delivered sign-in link in the database", async () => {
    const email = uniqueEmail();
    await issueSignInChallenge(email, "en");
    const [queued] = await db.outboxMessage.findMany({
      where: { recipient: email, kind: "auth.sign_in_link" },
      select: { payload: true },
    });
    const { token, code } = unsealSignIn((JSON.parse(queued!.payload) as { sealed: string }).sealed);
    const transport = recordingTransport();

    await deliverOnly(email, { transport });

    // The link opens our page (its button signs in), never next-auth's callback; the code is beside it.
    expect(transport.sent[0]?.text).toContain(`/portal/sign-in/link?token=${token}&lang=en`);
    expect(transport.sent[0]?.text).not.toContain("/api/auth/");
    expect(transport.sent[0]?.text).toContain(`${code.slice(0, 3)} ${code.slice(3)}`);
    expect(transport.sent[0]?.text).toMatch(/expire in 30 minutes/);
    // The plain text has no button to point at: it says what it holds.
    expect(transport.sent[0]?.text).not.toMatch(/button|below/i);
    const row = await db.outboxMessage.findFirstOrThrow({ where: { recipient: email, kind: "auth.sign_in_link" } });
    expect(row.payload).not.toContain(token);
    // Nor was it ever there in the clear: the queued payload held the link and the code sealed.
    expect(queued!.payload).not.toContain(token);
    expect(queued!.payload).not.toMatch(new RegExp(`"${code}"`));
  });
});

describe("mail worker process loop", () => {
  it("delivers what is queued while it runs, and returns once stopped", async () => {
    const checkout = await createRegisteredCheckout();
    await postponeAllBut([checkout.email]);
    const stop = new AbortController();

    const loop = runMailWorker(stop.signal);
    await expect.poll(async () => (await outboxRowFor(checkout.email)).status, { timeout: 10_000 }).toBe("sent");
    stop.abort();

    await expect(loop).resolves.toBeUndefined();
  });
});
