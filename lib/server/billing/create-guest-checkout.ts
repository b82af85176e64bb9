import "server-only";

import { randomUUID } from "node:crypto";

import { DEFAULT_LOCALE, type Locale } from "@/lib/i18n/locales";
import { priceLine, sumLines } from "@/lib/money";
import { auditEventInsert } from "@/lib/server/db/audit-events";
import { basketExpiresAt } from "@/lib/server/billing/basket-expiry";
import { execute, Prisma, query, runTransaction } from "@/lib/server/db";
import { int, text } from "@/lib/server/db/columns";
import { AppError } from "@/lib/server/errors";
import { sha256Hex } from "@/lib/server/hash";
import { paymentInsert } from "@/lib/server/payments/payment-rows";
import { GuestCheckoutInputSchema, type GuestCheckoutInput } from "@/lib/validation/checkout";

/**
 * Places a guest's order: the basket session with its lines, the invoice it produces (unpaid, not yet
 * numbered: it takes its number when the payment succeeds) and the pending payment, in one transaction
 * script. Returns the basket GUID — the only time it exists in clear: only its SHA-256 is stored.
 */
export interface CreatedGuestCheckout {
  basketSessionId: number;
  basketToken: string;
  invoiceId: number;
  totalMinor: number;
  currency: string;
}

const idColumn = { id: int };

const productColumns = { id: int, name: text, unitPriceMinor: int, taxRateBp: int };
const businessColumns = { currency: text, locale: text };

export async function createGuestCheckout(input: {
  businessId: number;
  order: GuestCheckoutInput;
  payment: { provider: string; reference: string };
  /** The checkout form's key for this order, when it came from the form. */
  orderKey?: string;
  /** The guest's language at checkout; their registration e-mail is written in it. English unless said. */
  locale?: Locale;
  now?: Date;
}): Promise<CreatedGuestCheckout> {
  const parsed = GuestCheckoutInputSchema.safeParse(input.order);
  if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
  const { guest, lines } = parsed.data;
  const now = input.now ?? new Date();
  const basketToken = randomUUID();

  return runTransaction(function* () {
    const productIds = lines.map((line) => line.productId);
    const products = yield* query(
      Prisma.sql`
      SELECT "id", "name", "unitPriceMinor", "taxRateBp" FROM "Product"
      WHERE "businessId" = ${input.businessId} AND "active" = ${true} AND "id" IN (${Prisma.join(productIds)})`,
      productColumns,
    );
    const pricedLines = lines.map((line, index) => {
      const product = products.find((candidate) => candidate.id === line.productId);
      if (!product) throw new AppError("bad_request", { detail: "A product in the basket is not available." });
      const priced = {
        position: index + 1,
        description: product.name,
        quantity: line.quantity,
        unitPriceMinor: product.unitPriceMinor,
        taxRateBp: product.taxRateBp,
      };
      return { productId: product.id, invoiceLine: { ...priced, ...priceLine(priced) } };
    });
    const totals = sumLines(pricedLines.map((line) => line.invoiceLine));

    const [business] = yield* query(
      Prisma.sql`SELECT "currency", "locale" FROM "Business" WHERE "id" = ${input.businessId}`,
      businessColumns,
    );
    if (!business) throw new AppError("not_found", { detail: "There is no such business." });
    const country =
      guest.billingCountry && new Intl.DisplayNames(business.locale, { type: "region" }).of(guest.billingCountry);
    const billedToAddress = [
      guest.billingLine1,
      guest.billingLine2,
      [guest.billingPostalCode, guest.billingCity].filter(Boolean).join(" "),
      country,
    ]
      .filter(Boolean)
      .join("\n");

    const [invoice] = yield* query(
      Prisma.sql`
      INSERT INTO "Invoice" ("businessId", "billedToName", "billedToEmail", "billedToCompany", "billedToAddress",
                             "subtotalMinor", "taxMinor", "totalMinor", "currency", "createdAt")
      VALUES (${input.businessId}, ${guest.fullName}, ${guest.email}, ${guest.company ?? null}, ${billedToAddress || null},
              ${totals.subtotalMinor}, ${totals.taxMinor}, ${totals.totalMinor}, ${business.currency}, ${now})
      RETURNING "id"`,
      idColumn,
    );
    if (!invoice) throw new Error("the invoice INSERT returned no row");
    yield* execute(Prisma.sql`
      INSERT INTO "InvoiceLine" ("invoiceId", "position", "description", "quantity", "unitPriceMinor", "taxRateBp", "amountMinor", "taxMinor")
      VALUES ${Prisma.join(
        pricedLines.map(
          ({ invoiceLine: line }) =>
            Prisma.sql`(${invoice.id}, ${line.position}, ${line.description}, ${line.quantity}, ${line.unitPriceMinor}, ${line.taxRateBp}, ${line.amountMinor}, ${line.taxMinor})`,
        ),
      )}`);
    yield* execute(
      paymentInsert(
        {
          invoiceId: invoice.id,
          ...input.payment,
          amountMinor: totals.totalMinor,
          currency: business.currency,
          status: "pending",
        },
        now,
      ),
    );

    const [basket] = yield* query(
      Prisma.sql`
      INSERT INTO "BasketSession" ("orderKey", "businessId", "status", "locale", "guestFullName", "guestEmail", "guestCompany", "guestPhone",
                                   "billingLine1", "billingLine2", "billingCity", "billingPostalCode", "billingCountry",
                                   "expiresAt", "invoiceId", "createdAt")
      VALUES (${input.orderKey ?? null}, ${input.businessId}, 'pending_payment', ${input.locale ?? DEFAULT_LOCALE},
              ${guest.fullName}, ${guest.email},
              ${guest.company ?? null}, ${guest.phone ?? null}, ${guest.billingLine1 ?? null}, ${guest.billingLine2 ?? null},
              ${guest.billingCity ?? null}, ${guest.billingPostalCode ?? null}, ${guest.billingCountry ?? null},
              ${basketExpiresAt(now)}, ${invoice.id}, ${now})
      RETURNING "id"`,
      idColumn,
    );
    if (!basket) throw new Error("the basket session INSERT returned no row");
    // Its first completion link: only the SHA-256 of the GUID is stored.
    yield* execute(
      Prisma.sql`INSERT INTO "BasketToken" ("tokenHash", "basketSessionId", "createdAt") VALUES (${sha256Hex(basketToken)}, ${basket.id}, ${now})`,
    );
    yield* execute(Prisma.sql`
      INSERT INTO "BasketLine" ("basketSessionId", "productId", "description", "quantity", "unitPriceMinor", "taxRateBp")
      VALUES ${Prisma.join(
        pricedLines.map(
          ({ productId, invoiceLine: line }) =>
            Prisma.sql`(${basket.id}, ${productId}, ${line.description}, ${line.quantity}, ${line.unitPriceMinor}, ${line.taxRateBp})`,
        ),
      )}`);

    yield* execute(
      auditEventInsert({ type: "checkout.created", actor: "guest", basketSessionId: basket.id, invoiceId: invoice.id }),
    );
    return {
      basketSessionId: basket.id,
      basketToken,
      invoiceId: invoice.id,
      totalMinor: totals.totalMinor,
      currency: business.currency,
    };
  });
}
