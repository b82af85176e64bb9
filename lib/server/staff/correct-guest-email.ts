import "server-only";

import { auditEventInsert } from "@/lib/server/db/audit-events";
import { execute, Prisma, query, runTransaction, type SqlScript } from "@/lib/server/db";
import { dateOrNull, int, intOrNull, text, textOrNull } from "@/lib/server/db/columns";
import { AppError } from "@/lib/server/errors";
import { mailInsert } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { GuestDetailsSchema, normalizeEmail } from "@/lib/validation/guest";

/** What the correction did to the invoice's customer: moved to one it created or linked, or none yet (unregistered). */
export type CorrectedCustomer = "created" | "linked" | "unregistered";

const basketColumns = {
  id: int,
  guestEmail: text,
  guestFullName: text,
  guestCompany: textOrNull,
  guestPhone: textOrNull,
  locale: text,
  consumedAt: dateOrNull,
  invoiceId: intOrNull,
  invoiceNumber: textOrNull,
  paidAt: dateOrNull,
  customerId: intOrNull,
};

/**
 * docs/contract.md §3.5: staff correct the address a guest mistyped at checkout, in one transaction. The checkout
 * and its invoice take the new address. A registered checkout's invoice moves to the customer of that address
 * (created, or linked and given portal access if it had none); the customer it leaves loses the portal access this
 * checkout alone gave it (one with other invoices keeps it). A paid checkout's receipt goes again, to the new address.
 * The audit event names the staff member and both addresses. Another business's checkout is not found.
 */
export async function correctGuestEmail(input: {
  staffUserId: number;
  /** Who they are, in words, for the audit trail. */
  staffEmail: string;
  businessId: number;
  basketSessionId: number;
  email: unknown;
  clientIp: string;
  now?: Date;
}): Promise<{ recipient: string; customer: CorrectedCustomer }> {
  const parsed = GuestDetailsSchema.shape.email.safeParse(input.email);
  if (!parsed.success) throw new AppError("bad_request", { detail: "Enter a valid e-mail address." });
  const email = normalizeEmail(parsed.data);
  const now = input.now ?? new Date();

  const result = await runTransaction(function* (): SqlScript<{
    recipient: string;
    customer: CorrectedCustomer;
    mailed: boolean;
  }> {
    const [basket] = yield* query(
      Prisma.sql`
      SELECT b."id", b."guestEmail", b."guestFullName", b."guestCompany", b."guestPhone", b."locale", b."consumedAt",
             i."id" AS "invoiceId", i."number" AS "invoiceNumber", i."paidAt", i."customerId"
      FROM "BasketSession" b LEFT JOIN "Invoice" i ON i."id" = b."invoiceId"
      WHERE b."id" = ${input.basketSessionId} AND b."businessId" = ${input.businessId}`,
      basketColumns,
    );
    if (!basket) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
    const previous = normalizeEmail(basket.guestEmail);
    if (previous === email) throw new AppError("bad_request", { detail: "The checkout already has this address." });

    yield* execute(Prisma.sql`UPDATE "BasketSession" SET "guestEmail" = ${email} WHERE "id" = ${basket.id}`);
    if (basket.invoiceId !== null)
      yield* execute(Prisma.sql`UPDATE "Invoice" SET "billedToEmail" = ${email} WHERE "id" = ${basket.invoiceId}`);

    let customer: CorrectedCustomer = "unregistered";
    let customerId: number | null = null;
    if (basket.consumedAt && basket.invoiceId !== null) {
      const inserted = yield* query(
        Prisma.sql`
        INSERT INTO "Customer" ("businessId", "fullName", "email", "company", "phone", "locale", "portalAccessGrantedAt", "portalAccessBasketSessionId", "createdAt")
        VALUES (${input.businessId}, ${basket.guestFullName}, ${email}, ${basket.guestCompany}, ${basket.guestPhone}, ${basket.locale}, ${now}, ${basket.id}, ${now})
        ON CONFLICT ("businessId", "email") DO NOTHING
        RETURNING "id"`,
        { id: int },
      );
      if (inserted[0]) {
        customer = "created";
        customerId = inserted[0].id;
      } else {
        const [found] = yield* query(
          Prisma.sql`SELECT "id" FROM "Customer" WHERE "businessId" = ${input.businessId} AND "email" = ${email}`,
          { id: int },
        );
        if (!found) throw new Error(`customer ${email} neither created nor found`);
        customer = "linked";
        customerId = found.id;
        yield* execute(Prisma.sql`
          UPDATE "Customer" SET "portalAccessBasketSessionId" = CASE WHEN "portalAccessGrantedAt" IS NULL THEN ${basket.id} ELSE "portalAccessBasketSessionId" END,
            "portalAccessGrantedAt" = COALESCE("portalAccessGrantedAt", ${now})
          WHERE "id" = ${customerId}`);
      }
      yield* execute(Prisma.sql`UPDATE "Invoice" SET "customerId" = ${customerId} WHERE "id" = ${basket.invoiceId}`);
      if (basket.customerId !== null && basket.customerId !== customerId) {
        // The wrong address keeps portal access only through a purchase of its own: with no invoice left, it has none
        // (whichever of its mistyped checkouts first gave it access).
        yield* execute(Prisma.sql`
          UPDATE "Customer" SET "portalAccessGrantedAt" = NULL, "portalAccessBasketSessionId" = NULL
          WHERE "id" = ${basket.customerId} AND NOT EXISTS (SELECT 1 FROM "Invoice" WHERE "customerId" = ${basket.customerId})`);
      }
    }

    const mailed = basket.paidAt !== null && basket.invoiceNumber !== null && basket.invoiceId !== null;
    if (mailed) {
      yield* execute(
        mailInsert({
          kind: "checkout.receipt",
          recipient: email,
          payload: {
            businessId: input.businessId,
            invoiceId: basket.invoiceId!,
            invoiceNumber: basket.invoiceNumber!,
            locale: basket.locale,
          },
        }),
      );
    }
    yield* execute(
      auditEventInsert({
        type: "checkout.email_corrected",
        actor: `staff:${input.staffUserId}`,
        basketSessionId: basket.id,
        invoiceId: basket.invoiceId ?? undefined,
        customerId: customerId ?? undefined,
        clientIp: input.clientIp,
        detail: { by: input.staffEmail, from: previous, to: email, customer, receiptResent: mailed },
      }),
    );
    return { recipient: email, customer, mailed };
  });
  if (result.mailed) kickMailWorker();
  return { recipient: result.recipient, customer: result.customer };
}
