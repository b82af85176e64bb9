import "server-only";

import { auditEventInsert } from "@/lib/server/db/audit-events";
import { execute, getDb, runTransaction } from "@/lib/server/db";
import { AppError } from "@/lib/server/errors";
import { mailInsert } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";

/** Queues the registration e-mail of a registered checkout again (the guest lost it), and audits it. */
export async function resendRegistrationEmail(input: {
  staffUserId: number;
  businessId: number;
  basketSessionId: number;
  clientIp: string;
}): Promise<{ recipient: string }> {
  const db = getDb();
  const basket = await db.basketSession.findFirst({
    where: { id: input.basketSessionId, businessId: input.businessId },
    select: {
      id: true,
      consumedAt: true,
      locale: true,
      invoice: { select: { id: true, number: true, customer: { select: { id: true, email: true } } } },
      auditEvents: { where: { type: "registration.succeeded" }, select: { detail: true }, take: 1 },
    },
  });
  if (!basket) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
  const invoice = basket.invoice;
  const customer = invoice?.customer;
  const invoiceNumber = invoice?.number;
  if (!basket.consumedAt || !invoice || !customer || !invoiceNumber) {
    throw new AppError("bad_request", {
      detail: "This checkout has not registered a customer yet, so there is no registration e-mail to send.",
    });
  }
  const created = (JSON.parse(basket.auditEvents[0]?.detail ?? "{}") as { customer?: string }).customer !== "linked";

  await runTransaction(function* () {
    yield* execute(
      mailInsert({
        kind: created ? "registration.new_customer" : "registration.existing_customer",
        recipient: customer.email,
        // In the language of the checkout, as the first one was.
        payload: {
          businessId: input.businessId,
          customerId: customer.id,
          invoiceId: invoice.id,
          invoiceNumber,
          locale: basket.locale,
        },
      }),
    );
    yield* execute(
      auditEventInsert({
        type: "registration.email_resent",
        actor: `staff:${input.staffUserId}`,
        basketSessionId: basket.id,
        invoiceId: invoice.id,
        customerId: customer.id,
        clientIp: input.clientIp,
      }),
    );
  });
  kickMailWorker();
  return { recipient: customer.email };
}
