import "server-only";

import { auditEventInsert } from "@/lib/server/db/audit-events";
import { execute, runTransaction, type SqlScript } from "@/lib/server/db";
import {
  createCustomer,
  findCustomerIdByEmail,
  grantPortalAccess,
  withdrawPortalAccessWithoutInvoice,
} from "@/lib/server/db/customers";
import { findCorrectableCheckout, readdressCheckout } from "@/lib/server/db/guest-email-corrections";
import { linkInvoiceToCustomer } from "@/lib/server/db/invoices";
import { AppError } from "@/lib/server/errors";
import { mailInsert } from "@/lib/server/mail/outbox";
import { kickMailWorker } from "@/lib/server/mail/worker";
import { GuestDetailsSchema, normalizeEmail } from "@/lib/validation/guest";

/** What the correction did to the invoice's customer: moved to one it created or linked, or none yet (unregistered). */
type CorrectedCustomer = "created" | "linked" | "unregistered";

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
    const basket = yield* findCorrectableCheckout(input.businessId, input.basketSessionId);
    if (!basket) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
    const previous = normalizeEmail(basket.guestEmail);
    if (previous === email) throw new AppError("bad_request", { detail: "The checkout already has this address." });

    yield* readdressCheckout(basket, email);

    let customer: CorrectedCustomer = "unregistered";
    let customerId: number | null = null;
    if (basket.consumedAt && basket.invoiceId !== null) {
      customerId = yield* createCustomer({
        businessId: input.businessId,
        fullName: basket.guestFullName,
        email,
        company: basket.guestCompany,
        phone: basket.guestPhone,
        locale: basket.locale,
        basketSessionId: basket.id,
        now,
      });
      if (customerId !== null) {
        customer = "created";
      } else {
        customerId = yield* findCustomerIdByEmail(input.businessId, email);
        if (customerId === null) throw new Error(`customer ${email} neither created nor found`);
        customer = "linked";
        yield* grantPortalAccess(customerId, basket.id, now);
      }
      yield* linkInvoiceToCustomer(basket.invoiceId, customerId);
      if (basket.customerId !== null && basket.customerId !== customerId) {
        // The wrong address keeps portal access only through a purchase of its own: with no invoice left, it has none
        // (whichever of its mistyped checkouts first gave it access).
        yield* withdrawPortalAccessWithoutInvoice(basket.customerId);
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
