import "server-only";

import { Prisma } from "@/lib/server/db";
import { query, type SqlScript } from "@/lib/server/sql/script";
import { date, dateOrNull, int, intOrNull, text, textOrNull } from "@/lib/server/sql/values";

/** The invoice's business and lines, as every view of an invoice shows them (Prisma selects, for the portal). */
export const invoiceBusinessSelect = { select: { name: true, address: true, taxId: true, locale: true, timeZone: true } } as const;
export const invoiceLinesSelect = {
  select: { position: true, description: true, quantity: true, unitPriceMinor: true, taxRateBp: true, amountMinor: true, taxMinor: true },
  orderBy: { position: "asc" },
} as const;

export interface InvoiceLineDocument {
  position: number;
  description: string;
  quantity: number;
  unitPriceMinor: number;
  taxRateBp: number;
  amountMinor: number;
  taxMinor: number;
}

/** Everything an invoice document (PDF or summary) shows. */
export interface InvoiceDocument {
  id: number;
  number: string;
  currency: string;
  issuedAt: Date;
  paidAt: Date | null;
  paymentReference: string | null;
  customerId: number | null;
  billedToName: string;
  billedToEmail: string;
  billedToCompany: string | null;
  billedToAddress: string | null;
  subtotalMinor: number;
  taxMinor: number;
  totalMinor: number;
  business: { name: string; address: string; taxId: string; locale: string; timeZone: string };
  customer: { email: string } | null;
  lines: InvoiceLineDocument[];
}

/**
 * The invoice document in two statements, as a transaction script: the token-gated reads run on every
 * download, and Prisma's nested select cost several times these two queries (docs/benchmarks.md).
 */
export function* invoiceDocument(invoiceId: number): SqlScript<InvoiceDocument | null> {
  const [row] = yield* query(Prisma.sql`
    SELECT i."id", i."number", i."currency", i."issuedAt", i."paidAt", i."paymentReference", i."customerId",
           i."billedToName", i."billedToEmail", i."billedToCompany", i."billedToAddress",
           i."subtotalMinor", i."taxMinor", i."totalMinor",
           b."name" AS "businessName", b."address" AS "businessAddress", b."taxId" AS "businessTaxId",
           b."locale" AS "businessLocale", b."timeZone" AS "businessTimeZone", c."email" AS "customerEmail"
    FROM "Invoice" i JOIN "Business" b ON b."id" = i."businessId" LEFT JOIN "Customer" c ON c."id" = i."customerId"
    WHERE i."id" = ${invoiceId}`);
  if (!row) return null;
  const lines = yield* query(Prisma.sql`
    SELECT "position", "description", "quantity", "unitPriceMinor", "taxRateBp", "amountMinor", "taxMinor"
    FROM "InvoiceLine" WHERE "invoiceId" = ${invoiceId} ORDER BY "position"`);
  return {
    id: int(row.id),
    number: text(row.number),
    currency: text(row.currency),
    issuedAt: date(row.issuedAt),
    paidAt: dateOrNull(row.paidAt),
    paymentReference: textOrNull(row.paymentReference),
    customerId: intOrNull(row.customerId),
    billedToName: text(row.billedToName),
    billedToEmail: text(row.billedToEmail),
    billedToCompany: textOrNull(row.billedToCompany),
    billedToAddress: textOrNull(row.billedToAddress),
    subtotalMinor: int(row.subtotalMinor),
    taxMinor: int(row.taxMinor),
    totalMinor: int(row.totalMinor),
    business: {
      name: text(row.businessName),
      address: text(row.businessAddress),
      taxId: text(row.businessTaxId),
      locale: text(row.businessLocale),
      timeZone: text(row.businessTimeZone),
    },
    customer: row.customerEmail === null ? null : { email: text(row.customerEmail) },
    lines: lines.map((line) => ({
      position: int(line.position),
      description: text(line.description),
      quantity: int(line.quantity),
      unitPriceMinor: int(line.unitPriceMinor),
      taxRateBp: int(line.taxRateBp),
      amountMinor: int(line.amountMinor),
      taxMinor: int(line.taxMinor),
    })),
  };
}
