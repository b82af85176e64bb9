import { z } from "@/lib/validation/zod";

function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let index = 0; index < digits.length; index++) {
    let digit = Number(digits[digits.length - 1 - index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** Card details as typed: spaces allowed in the number, expiry as MM/YY. Never stored. */
export const CardSchema = z
  .object({
    number: z
      .string()
      .transform((value) => value.replace(/[\s-]/g, ""))
      .pipe(
        z
          .string()
          .regex(/^\d{12,19}$/, "Enter the card number")
          .refine(passesLuhn, "This card number is not valid"),
      ),
    expiry: z
      .string()
      .trim()
      .regex(/^(0[1-9]|1[0-2])\s*\/\s*(\d{2})$/, "Enter the expiry date as MM/YY"),
    cvc: z
      .string()
      .trim()
      .regex(/^\d{3,4}$/, "Enter the 3 or 4 digits on the back"),
  })
  .superRefine((card, context) => {
    const [month, year] = card.expiry.split("/").map((part) => Number(part.trim()));
    const now = new Date();
    const expiresAfter = new Date(Date.UTC(2000 + (year ?? 0), month ?? 0, 1));
    if (expiresAfter <= now) context.addIssue({ code: "custom", path: ["expiry"], message: "This card has expired" });
  });
export type Card = z.infer<typeof CardSchema>;

/** What the payment webhook answers to an event it verified: whether the event changed anything, and why not. */
export const PaymentEventReceiptSchema = z
  .object({
    received: z.literal(true),
    applied: z.enum(["paid", "refund_due", "declined", "duplicate", "already_settled", "unknown_payment"]),
  })
  .meta({ id: "PaymentEventReceipt" });
export type PaymentEventReceipt = z.infer<typeof PaymentEventReceiptSchema>;
