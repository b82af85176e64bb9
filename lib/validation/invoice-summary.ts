import { z } from "@/lib/validation/zod";

/**
 * What the completion page shows of an invoice, and nothing more: every response of summaryByToken is
 * parsed through this schema, which drops any field it does not name.
 */
export const InvoiceSummarySchema = z.object({
  invoiceId: z.number().int().positive(),
  invoiceNumber: z.string(),
  issuedAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  currency: z.string().length(3),
  locale: z.string(),
  timeZone: z.string(),
  businessName: z.string(),
  lines: z.array(
    z.object({
      description: z.string(),
      quantity: z.number().int(),
      unitPriceMinor: z.number().int(),
      taxRateBp: z.number().int(),
      amountMinor: z.number().int(),
    }),
  ),
  subtotalMinor: z.number().int(),
  taxMinor: z.number().int(),
  totalMinor: z.number().int(),
  customerEmailMasked: z.string(),
}).meta({ id: "InvoiceSummary" });
export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>;
