import "server-only";

import { getDb } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { mailRenderer } from "@/lib/server/mail/templates";

/**
 * Staff see their own business's messages only. A sign-in link belongs to an address, not to a business (one
 * address may be the customer of several), so no business's staff see it.
 */
const outboxOfBusiness = (businessId: number) => ({ businessId });

const summary = {
  id: true,
  kind: true,
  recipient: true,
  status: true,
  attempts: true,
  createdAt: true,
  sentAt: true,
  lastError: true,
} as const;

export async function listOutbox(input: { businessId: number; take?: number }) {
  return getDb().outboxMessage.findMany({
    where: outboxOfBusiness(input.businessId),
    orderBy: { id: "desc" },
    take: input.take ?? 50,
    select: summary,
  });
}

/** One message of the business, as its recipient sees it. */
export async function readOutboxMessageOrThrow(input: { businessId: number; messageId: number }) {
  const db = getDb();
  const message = await db.outboxMessage.findFirst({
    where: { id: input.messageId, ...outboxOfBusiness(input.businessId) },
    select: { ...summary, payload: true },
  });
  if (!message) throw new AppError("not_found", { detail: "No message of your business has this number." });
  const render = await mailRenderer(db, [message]);
  return { ...message, rendered: await render(message) };
}
