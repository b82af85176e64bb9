import "server-only";

import { getConfig } from "@/lib/config";
import { getDb, type Prisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { mailRenderer } from "@/lib/server/mail/templates";

/** Staff see their business's messages and the sign-in links of their customers' addresses. */
async function outboxOfBusiness(businessId: number): Promise<Prisma.OutboxMessageWhereInput> {
  const customers = await getDb().customer.findMany({ where: { businessId }, select: { email: true } });
  return { OR: [{ businessId }, { kind: "auth.sign_in_link", recipient: { in: customers.map((customer) => customer.email) } }] };
}

const summary = { id: true, kind: true, recipient: true, status: true, attempts: true, createdAt: true, sentAt: true, lastError: true } as const;

export async function listOutbox(input: { businessId: number; take?: number }) {
  return getDb().outboxMessage.findMany({ where: await outboxOfBusiness(input.businessId), orderBy: { id: "desc" }, take: input.take ?? 50, select: summary });
}

/** One message as its recipient sees it — except a sign-in link, which would let the reader sign in as them. */
export async function readOutboxMessageOrThrow(input: { businessId: number; messageId: number }) {
  const db = getDb();
  const message = await db.outboxMessage.findFirst({
    where: { AND: [{ id: input.messageId }, await outboxOfBusiness(input.businessId)] },
    select: { ...summary, payload: true },
  });
  if (!message) throw new AppError("not_found", { detail: "No message of your business has this number." });
  const payload =
    message.kind === "auth.sign_in_link"
      ? JSON.stringify({
          url: "(the one-time sign-in link is not shown to staff)",
          expiresAt: new Date(Date.now() + getConfig().auth.signInLinkTtlMinutes * 60_000).toISOString(),
        })
      : message.payload;
  const shown = { ...message, payload };
  return { ...message, rendered: (await mailRenderer(db, [shown]))(shown) };
}
