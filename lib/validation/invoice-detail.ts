import { InvoiceLineSchema } from "@/lib/validation/invoice-line";
import { z } from "@/lib/validation/zod";

/** The full invoice of docs/contract.md §3.3, as the authenticated read returns it: only these fields, ever. */
export const InvoiceDetailSchema = z
  .object({
    id: z.number().int(),
    /** Null until the invoice is issued, which is when its payment succeeds. */
    number: z.string().nullable(),
    status: z.enum(["paid", "unpaid"]),
    issuedAt: z.iso.datetime().nullable(),
    paidAt: z.iso.datetime().nullable(),
    currency: z.string().length(3),
    business: z.object({
      name: z.string(),
      address: z.string(),
      taxId: z.string(),
      locale: z.string(),
      timeZone: z.string(),
    }),
    customer: z
      .object({ id: z.number().int(), fullName: z.string(), email: z.string(), company: z.string().nullable() })
      .nullable(),
    billedTo: z.object({
      name: z.string(),
      email: z.string(),
      company: z.string().nullable(),
      address: z.string().nullable(),
    }),
    lines: z.array(InvoiceLineSchema),
    subtotalMinor: z.number().int(),
    taxMinor: z.number().int(),
    totalMinor: z.number().int(),
    payments: z.array(
      z.object({
        provider: z.string(),
        reference: z.string(),
        amountMinor: z.number().int(),
        currency: z.string(),
        status: z.enum(["pending", "processing", "succeeded", "declined"]),
        createdAt: z.iso.datetime(),
        completedAt: z.iso.datetime().nullable(),
      }),
    ),
  })
  .meta({ id: "InvoiceDetail" });
export type InvoiceDetail = z.infer<typeof InvoiceDetailSchema>;
