import "server-only";

import { built, type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The invoices' store: an invoice written with its lines when an order is placed (unpaid, not yet numbered), and
 * issued when its payment succeeds, with the next number of its business's sequence.
 */

export interface NewInvoice {
  businessId: number;
  billedToName: string;
  billedToEmail: string;
  billedToCompany: string | null;
  billedToAddress: string | null;
  /** The language of its labels (invoiceLanguageOf), fixed at checkout. */
  language: string;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  currency: string;
  createdAt: Date;
}

const insertInvoice = prepare((p: Parameters<NewInvoice>) =>
  sqlBuilder
    .insertInto("Invoice")
    .values({
      businessId: p.businessId,
      billedToName: p.billedToName,
      billedToEmail: p.billedToEmail,
      billedToCompany: p.billedToCompany,
      billedToAddress: p.billedToAddress,
      language: p.language,
      subtotalMinor: p.subtotalMinor,
      taxMinor: p.taxMinor,
      totalMinor: p.totalMinor,
      currency: p.currency,
      createdAt: p.createdAt,
    })
    .returning("id"),
);

/** Adds an invoice, unpaid and not yet numbered; answers its id. */
export function* addInvoice(invoice: NewInvoice): SqlScript<number> {
  const [row] = yield* query(insertInvoice(invoice));
  if (!row) throw new Error("the invoice INSERT returned no row");
  return row.id;
}

export interface NewInvoiceLine {
  position: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  amountMinor: number;
  taxMinor: number;
}

/** Adds an invoice's lines, in one statement. */
export function* addInvoiceLines(invoiceId: number, lines: readonly NewInvoiceLine[]): SqlScript<void> {
  yield* execute(
    built(
      sqlBuilder.insertInto("InvoiceLine").values(
        lines.map((line) => ({
          invoiceId,
          position: line.position,
          description: line.description,
          quantity: line.quantity,
          unitPriceMinor: line.unitPriceMinor,
          taxRateBp: line.taxRateBp,
          amountMinor: line.amountMinor,
          taxMinor: line.taxMinor,
        })),
      ),
    ),
  );
}

const takeSequenceNumber = prepare((p: Parameters<{ invoiceId: number }>) =>
  sqlBuilder
    .updateTable("Business")
    .set((eb) => ({ nextInvoiceSeq: eb("nextInvoiceSeq", "+", 1) }))
    .where("id", "=", (eb) =>
      eb
        .selectFrom("Invoice")
        .select("Invoice.businessId")
        .where("Invoice.id", "=", p.invoiceId)
        .where("Invoice.number", "is", null),
    )
    .returning(["nextInvoiceSeq", "invoicePrefix", "timeZone"]),
);

/**
 * Takes the next number of the sequence of the invoice's business, for an invoice not yet numbered: the increment is
 * atomic, so concurrent payments never share a number. Answers the business's sequence as it now stands (the number
 * taken is `nextInvoiceSeq - 1`) with its prefix and time zone; null when the invoice already has a number.
 */
export function* takeInvoiceSequenceNumber(
  invoiceId: number,
): SqlScript<{ nextInvoiceSeq: number; invoicePrefix: string; timeZone: string } | null> {
  const [business] = yield* query(takeSequenceNumber({ invoiceId }));
  return business ?? null;
}

const issue = prepare((p: Parameters<{ invoiceId: number; number: string; now: Date; paymentReference: string }>) =>
  sqlBuilder
    .updateTable("Invoice")
    .set({ number: p.number, issuedAt: p.now, paidAt: p.now, paymentReference: p.paymentReference })
    .where("id", "=", p.invoiceId),
);

/** Issues the invoice, paid: numbered and dated now, with its payment's reference. */
export function* issuePaidInvoice(issued: {
  invoiceId: number;
  number: string;
  now: Date;
  paymentReference: string;
}): SqlScript<void> {
  yield* execute(issue(issued));
}

const linkInvoice = prepare((p: Parameters<{ id: number; customerId: number }>) =>
  sqlBuilder.updateTable("Invoice").set({ customerId: p.customerId }).where("id", "=", p.id),
);

/** The invoice belongs to this customer from now on (the registration links it; a correction of the address moves it). */
export function* linkInvoiceToCustomer(invoiceId: number, customerId: number): SqlScript<void> {
  yield* execute(linkInvoice({ id: invoiceId, customerId }));
}
