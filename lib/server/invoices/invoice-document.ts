import "server-only";

import { languageOf, type Locale } from "@/lib/i18n/locales";
import { Prisma, query, runReadOnly, type SqlScript } from "@/lib/server/db";
import { bytesOrNull, date, dateOrNull, int, intOrNull, text, textOrNull } from "@/lib/server/db/columns";

/** The invoice's business and lines, as every view of an invoice shows them (Prisma selects, for the portal). */
export const invoiceBusinessSelect = {
  select: { name: true, address: true, taxId: true, locale: true, timeZone: true },
} as const;
export const invoiceLinesSelect = {
  select: {
    position: true,
    description: true,
    quantity: true,
    unitPriceMinor: true,
    taxRateBp: true,
    amountMinor: true,
    taxMinor: true,
  },
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

/** Everything an invoice document (PDF or summary) shows. Only an issued invoice (paid, numbered) has one. */
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
  business: {
    name: string;
    address: string;
    taxId: string;
    locale: string;
    timeZone: string;
    brandColor: string | null;
    logoPng: Buffer | null;
  };
  customer: { email: string } | null;
  /**
   * The language of its labels: the customer's when they bought it (its checkout's), so an invoice reads the same
   * every time it is drawn; or the business's when it chose so (Business.invoiceLanguage). Money and dates follow
   * `business.locale`.
   */
  language: Locale;
  lines: InvoiceLineDocument[];
}

const invoiceColumns = {
  id: int,
  number: text,
  currency: text,
  issuedAt: date,
  paidAt: dateOrNull,
  paymentReference: textOrNull,
  customerId: intOrNull,
  billedToName: text,
  billedToEmail: text,
  billedToCompany: textOrNull,
  billedToAddress: textOrNull,
  subtotalMinor: int,
  taxMinor: int,
  totalMinor: int,
  businessName: text,
  businessAddress: text,
  businessTaxId: text,
  businessLocale: text,
  businessTimeZone: text,
  businessBrandColor: textOrNull,
  businessLogoPng: bytesOrNull,
  customerEmail: textOrNull,
  businessInvoiceLanguage: text,
  guestLocale: textOrNull,
};

const lineColumns = {
  position: int,
  description: text,
  quantity: int,
  unitPriceMinor: int,
  taxRateBp: int,
  amountMinor: int,
  taxMinor: int,
};

/**
 * The invoice document in two statements: the token-gated reads run on every download, and Prisma's nested
 * select cost several times these two queries (docs/benchmarks.md).
 */
function* invoiceDocumentScript(invoiceId: number): SqlScript<InvoiceDocument | null> {
  const [row] = yield* query(
    Prisma.sql`
    SELECT i."id", i."number", i."currency", i."issuedAt", i."paidAt", i."paymentReference", i."customerId",
           i."billedToName", i."billedToEmail", i."billedToCompany", i."billedToAddress",
           i."subtotalMinor", i."taxMinor", i."totalMinor",
           b."name" AS "businessName", b."address" AS "businessAddress", b."taxId" AS "businessTaxId",
           b."locale" AS "businessLocale", b."timeZone" AS "businessTimeZone", b."brandColor" AS "businessBrandColor",
           b."logoPng" AS "businessLogoPng", c."email" AS "customerEmail",
           b."invoiceLanguage" AS "businessInvoiceLanguage", COALESCE(s."locale", c."locale") AS "guestLocale"
    FROM "Invoice" i JOIN "Business" b ON b."id" = i."businessId" LEFT JOIN "Customer" c ON c."id" = i."customerId"
         LEFT JOIN "BasketSession" s ON s."invoiceId" = i."id"
    WHERE i."id" = ${invoiceId} AND i."number" IS NOT NULL AND i."issuedAt" IS NOT NULL`,
    invoiceColumns,
  );
  if (!row) return null;
  const lines = yield* query(
    Prisma.sql`
    SELECT "position", "description", "quantity", "unitPriceMinor", "taxRateBp", "amountMinor", "taxMinor"
    FROM "InvoiceLine" WHERE "invoiceId" = ${invoiceId} ORDER BY "position"`,
    lineColumns,
  );
  const {
    businessName,
    businessAddress,
    businessTaxId,
    businessLocale,
    businessTimeZone,
    businessBrandColor,
    businessLogoPng,
    businessInvoiceLanguage,
    customerEmail,
    guestLocale,
    ...invoice
  } = row;
  return {
    ...invoice,
    business: {
      name: businessName,
      address: businessAddress,
      taxId: businessTaxId,
      locale: businessLocale,
      timeZone: businessTimeZone,
      brandColor: businessBrandColor,
      logoPng: businessLogoPng,
    },
    customer: customerEmail === null ? null : { email: customerEmail },
    language:
      businessInvoiceLanguage === "business" || guestLocale === null
        ? languageOf(businessLocale)
        : languageOf(guestLocale),
    lines,
  };
}

/** The invoice document, or null when there is no such invoice or it is not issued yet. Reads only: it never waits for a writer. */
export function getInvoiceDocument(invoiceId: number): Promise<InvoiceDocument | null> {
  return runReadOnly(() => invoiceDocumentScript(invoiceId));
}
