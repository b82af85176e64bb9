import { describe, expect, it } from "vitest";

import { getDb } from "@/lib/server/db";
import { issueSignInChallenge } from "@/lib/server/auth/sign-in-challenge";
import { startMailWorker } from "@/lib/server/mail/worker";
import { uniqueEmail } from "@/test/factories";

// The worker's next poll is far away: only draining batch after batch can deliver the backlog in time.
process.env.MAIL_WORKER_INTERVAL_MS = "600000";

describe("the in-process mail worker", () => {
  it("drains a backlog batch after batch, without waiting for its next poll", async () => {
    const recipients = Array.from({ length: 130 }, () => uniqueEmail());
    for (const recipient of recipients) {
      await issueSignInChallenge(recipient, "en");
    }
    startMailWorker();
    const sent = () => getDb().outboxMessage.count({ where: { recipient: { in: recipients }, status: "sent" } });
    await expect.poll(sent, { timeout: 15_000 }).toBe(recipients.length);
  });
});
