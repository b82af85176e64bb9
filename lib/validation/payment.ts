import { cardBrandOf, cardNumberLengths, isIncompleteCardNumber, normaliseExpiry } from "@/lib/card-input";
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

/** The issue's `params.reason` for a card number with too few digits, by which the checkout form picks its words. */
export const INCOMPLETE_CARD_NUMBER_REASON = "incomplete";

/** Whether the card's last month (MM/YY) has ended: a card is good to the end of the month printed on it. */
function hasExpired(expiry: string): boolean {
  const [month, year] = expiry.split("/").map(Number);
  return new Date(Date.UTC(2000 + (year ?? 0), month ?? 0, 1)) <= new Date();
}

/**
 * Card details as the checkout form sends them, or as typed: the number with or without spaces or dashes
 * (`4242 4242 4242 4242`), the expiry as `12 / 29`, `12/29`, `1229` or `1/29` (held as `12/29`). Each field is
 * checked on its own, so the form can check one when it is left. Never stored.
 */
export const CardSchema = z.object({
  number: z
    .string()
    .transform((value) => value.replace(/[\s-]/g, ""))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, { message: "Enter the card number", abort: true })
        .refine((digits) => !isIncompleteCardNumber(digits), {
          message: "This card number is incomplete",
          params: { reason: INCOMPLETE_CARD_NUMBER_REASON },
          abort: true,
        })
        .refine(
          (digits) => cardNumberLengths(cardBrandOf(digits)).includes(digits.length) && passesLuhn(digits),
          "This card number is not valid",
        ),
    ),
  expiry: z
    .string()
    .transform((value) => normaliseExpiry(value) ?? value.trim())
    .pipe(
      z
        .string()
        .regex(/^(0[1-9]|1[0-2])\/\d{2}$/, { message: "Enter the expiry date as MM/YY", abort: true })
        .refine((expiry) => !hasExpired(expiry), "This card has expired"),
    ),
  cvc: z
    .string()
    .trim()
    .regex(/^\d{3,4}$/, "Enter the 3 or 4 digits on the back"),
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
