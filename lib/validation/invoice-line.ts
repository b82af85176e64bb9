import { z } from "@/lib/validation/zod";

/** One line of an invoice, as the full invoice shows it (the receipt's summary shows it without position and tax). */
export const InvoiceLineSchema = z.object({
  position: z.number().int(),
  description: z.string(),
  quantity: z.number().int(),
  unitPriceMinor: z.number().int(),
  taxRateBp: z.number().int(),
  amountMinor: z.number().int(),
  taxMinor: z.number().int(),
});
