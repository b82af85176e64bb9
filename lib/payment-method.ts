/**
 * The card a payment was made with, as receipts name it: "Visa •••• 4242". Only the brand and the last four digits
 * are ever kept (with the payment, lib/server/db/payments.ts); the number itself goes to the payment provider and
 * nowhere else. Shared by the server (which reads the brand off the number when the order is placed) and the pages.
 */

/** The brands a card number's first digits tell, as stored. */
export const CARD_BRANDS = ["visa", "mastercard", "amex", "discover", "diners", "jcb", "unionpay"] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** What is kept of a card: its brand ("card" when the number tells none of CARD_BRANDS) and its last four digits. */
export interface PaymentCard {
  brand: CardBrand | "card";
  last4: string;
}

/** Each brand's own name, the same in every language. */
const BRAND_NAMES: Record<CardBrand, string> = {
  visa: "Visa",
  mastercard: "Mastercard",
  amex: "American Express",
  discover: "Discover",
  diners: "Diners Club",
  jcb: "JCB",
  unionpay: "UnionPay",
};

/** The number ranges of each brand (IIN prefixes), the more specific before the broader that contain them. */
function brandOfDigits(digits: string): CardBrand | null {
  const prefix = (length: number) => Number(digits.slice(0, length));
  if (/^4/.test(digits)) return "visa";
  if (/^5[1-5]/.test(digits) || (prefix(4) >= 2221 && prefix(4) <= 2720)) return "mastercard";
  if (/^3[47]/.test(digits)) return "amex";
  if (/^35(2[89]|[3-8])/.test(digits)) return "jcb";
  if (/^3(0[0-5]|[689])/.test(digits)) return "diners";
  if (/^(6011|64[4-9]|65)/.test(digits) || (prefix(6) >= 622126 && prefix(6) <= 622925)) return "discover";
  if (/^62/.test(digits)) return "unionpay";
  return null;
}

/** The brand of a card number as typed (spaces and dashes allowed); null when it tells none. */
export function cardBrandOf(number: string): CardBrand | null {
  return brandOfDigits(number.replace(/[\s-]/g, ""));
}

/** What is kept of a card number (at least 12 digits, as CardSchema takes it): its brand and last four digits. */
export function paymentCardOf(number: string): PaymentCard {
  const digits = number.replace(/[\s-]/g, "");
  if (!/^\d{12,19}$/.test(digits)) throw new Error("not a card number");
  return { brand: brandOfDigits(digits) ?? "card", last4: digits.slice(-4) };
}

function isCardBrand(brand: string): brand is CardBrand {
  return (CARD_BRANDS as readonly string[]).includes(brand);
}

/**
 * "Visa •••• 4242": the card as a receipt names it. `genericCard` is the word for a card of no known brand in the
 * reader's language ("Card", "Karte").
 */
export function paymentMethodLabel(card: { brand: string; last4: string }, genericCard: string): string {
  const name = isCardBrand(card.brand) ? BRAND_NAMES[card.brand] : genericCard;
  return `${name} •••• ${card.last4}`;
}
