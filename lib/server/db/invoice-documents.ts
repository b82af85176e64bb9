import "server-only";

import type { NotNull } from "kysely";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { query } from "@/lib/server/db/script";

/**
 * The invoice documents' store: what an issued invoice's PDF and summary show, in two statements (the token-gated
 * reads run on every download, and Prisma's nested select cost several times these two queries,
 * docs/benchmarks.md).
 */

const issuedInvoice = prepare((p: Parameters<{ id: number }>) =>
  sqlBuilder
    .selectFrom("Invoice as i")
    .innerJoin("Business as b", "b.id", "i.businessId")
    .leftJoin("Customer as c", "c.id", "i.customerId")
    .leftJoin("BasketSession as s", "s.invoiceId", "i.id")
    // The payment that paid it (its reference is the invoice's), for the card its receipt names.
    .leftJoin("Payment as p", (join) =>
      join.onRef("p.invoiceId", "=", "i.id").onRef("p.reference", "=", "i.paymentReference"),
    )
    .select((eb) => [
      "i.id",
      "i.number",
      "i.currency",
      "i.issuedAt",
      "i.paidAt",
      "i.paymentReference",
      "i.customerId",
      "i.billedToName",
      "i.billedToEmail",
      "i.billedToCompany",
      "i.billedToAddress",
      "i.language as invoiceLanguage",
      "i.subtotalMinor",
      "i.taxMinor",
      "i.totalMinor",
      "b.name as businessName",
      "b.address as businessAddress",
      "b.taxId as businessTaxId",
      "b.locale as businessLocale",
      "b.timeZone as businessTimeZone",
      "b.brandColor as businessBrandColor",
      "b.logoPng as businessLogoPng",
      "c.email as customerEmail",
      "p.cardBrand as paymentCardBrand",
      "p.cardLast4 as paymentCardLast4",
      "b.invoiceLanguage as businessInvoiceLanguage",
      eb.fn.coalesce("s.locale", "c.locale").as("guestLocale"),
    ])
    .where("i.id", "=", p.id)
    .where("i.number", "is not", null)
    .where("i.issuedAt", "is not", null)
    .$narrowType<{ number: NotNull; issuedAt: NotNull }>(),
);

/**
 * The invoice if it is issued (numbered, with its date), with its business, its customer's address, the card of the
 * payment that paid it (brand and last four digits, when kept) and the language of its checkout (`guestLocale`: the
 * basket's, else the customer's).
 */
export function* findIssuedInvoice(invoiceId: number) {
  const [row] = yield* query(issuedInvoice({ id: invoiceId }));
  return row;
}

const invoiceLines = prepare((p: Parameters<{ invoiceId: number }>) =>
  sqlBuilder
    .selectFrom("InvoiceLine")
    .select(["position", "description", "quantity", "unitPriceMinor", "taxRateBp", "amountMinor", "taxMinor"])
    .where("invoiceId", "=", p.invoiceId)
    .orderBy("position"),
);

/** The invoice's lines, in order. */
export function findInvoiceLines(invoiceId: number) {
  return query(invoiceLines({ invoiceId }));
}
