import { InvoiceLineSchema } from "@/lib/validation/invoice-line";
import { z } from "@/lib/validation/zod";

/**
 * What the completion page shows of an invoice, and nothing more: every response of summaryByToken is
 * parsed through this schema, which drops any field it does not name. It is the guest's own receipt, so it names
 * the guest and the address the receipt was e-mailed to in full (the invoice PDF the same token opens shows both).
 */
export const InvoiceSummarySchema = z
  .object({
    invoiceId: z.number().int().positive(),
    invoiceNumber: z.string(),
    issuedAt: z.iso.datetime(),
    paidAt: z.iso.datetime().nullable(),
    currency: z.string().length(3),
    locale: z.string(),
    timeZone: z.string(),
    businessName: z.string(),
    customerName: z.string().meta({ description: "The name the guest gave at checkout, as the invoice bills it." }),
    customerEmail: z.string().meta({ description: "The address the receipt and invoice were e-mailed to, in full." }),
    lines: z.array(InvoiceLineSchema.omit({ position: true, taxMinor: true })),
    subtotalMinor: z.number().int(),
    taxes: z
      .array(z.object({ rateBp: z.number().int(), taxMinor: z.number().int() }))
      .meta({ description: "The tax by rate, in the order of the lines; the amounts add up to `taxMinor`." }),
    taxMinor: z.number().int(),
    totalMinor: z.number().int(),
    paymentCard: z
      .object({
        brand: z.string().meta({
          description:
            "visa, mastercard, amex, discover, diners, jcb, unionpay, or card (a brand the number tells none of).",
        }),
        last4: z.string().regex(/^\d{4}$/),
      })
      .nullable()
      .meta({ description: "The card it was paid with (brand and last four digits only); null when not known." }),
  })
  .meta({ id: "InvoiceSummary" });
export type InvoiceSummary = z.infer<typeof InvoiceSummarySchema>;

/** A made-up receipt: what the staff preview shows in each state, and the API reference's example. */
export const SAMPLE_INVOICE_SUMMARY: InvoiceSummary = {
  invoiceId: 123,
  invoiceNumber: "INV-2026-000123",
  issuedAt: "2026-11-21T09:30:00.000Z",
  paidAt: "2026-11-21T09:30:00.000Z",
  currency: "GBP",
  locale: "en-GB",
  timeZone: "Europe/London",
  businessName: "Hive & Desk Coworking",
  customerName: "Jo Guest",
  customerEmail: "jo@example.com",
  lines: [
    { description: "Day pass", quantity: 2, unitPriceMinor: 2500, taxRateBp: 2000, amountMinor: 5000 },
    { description: "Meeting room (1 hour)", quantity: 1, unitPriceMinor: 4000, taxRateBp: 2000, amountMinor: 4000 },
  ],
  subtotalMinor: 9000,
  taxes: [{ rateBp: 2000, taxMinor: 1800 }],
  taxMinor: 1800,
  totalMinor: 10800,
  paymentCard: { brand: "visa", last4: "4242" },
};
