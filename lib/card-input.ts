/**
 * Card details as people type them, shared by the checkout form (formatting as it is typed) and the card schema
 * (lib/validation/payment.ts, which normalises what the form sends the same way). Pure functions, no DOM.
 */

import { cardBrandOf as brandOfNumber } from "@/lib/payment-method";

export type CardBrand = "visa" | "mastercard" | "amex" | "discover";

/** The brands' names as the card networks write them: the same in every language. `short` is what the field shows. */
export const CARD_BRAND_NAMES: Record<CardBrand, { name: string; short: string }> = {
  visa: { name: "Visa", short: "Visa" },
  mastercard: { name: "Mastercard", short: "Mastercard" },
  amex: { name: "American Express", short: "Amex" },
  discover: { name: "Discover", short: "Discover" },
};

/** The number's digits, whatever else was typed or pasted with them. */
export function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

/**
 * The card's brand from its first digits, as soon as they tell it, among the brands the form draws; the number
 * ranges are lib/payment-method.ts's, the same the server reads the stored brand with.
 */
export function cardBrandOf(number: string): CardBrand | null {
  const brand = brandOfNumber(digitsOf(number));
  return brand !== null && brand in CARD_BRAND_NAMES ? (brand as CardBrand) : null;
}

/** The lengths a brand's numbers have; any of 12 to 19 digits for a brand the form does not know. */
export function cardNumberLengths(brand: CardBrand | null): readonly number[] {
  switch (brand) {
    case "visa":
      return [13, 16, 19];
    case "mastercard":
      return [16];
    case "amex":
      return [15];
    case "discover":
      return [16, 17, 18, 19];
    default:
      return [12, 13, 14, 15, 16, 17, 18, 19];
  }
}

/** The most digits a number of this brand has: the form takes no more. */
export function maxCardDigits(brand: CardBrand | null): number {
  return Math.max(...cardNumberLengths(brand));
}

/** Whether a number (digits only) is shorter than any number of its brand could be: it needs more digits. */
export function isIncompleteCardNumber(digits: string): boolean {
  const lengths = cardNumberLengths(cardBrandOf(digits));
  return digits.length < Math.max(...lengths) && !lengths.includes(digits.length);
}

/** The number grouped as it is printed on the card: American Express 4-6-5, the others in fours. */
export function formatCardNumber(number: string): string {
  const brand = cardBrandOf(number);
  const digits = digitsOf(number).slice(0, maxCardDigits(brand));
  const groups = brand === "amex" ? [4, 6, 5] : [4, 4, 4, 4, 3];
  const parts: string[] = [];
  let at = 0;
  for (const size of groups) {
    if (at >= digits.length) break;
    parts.push(digits.slice(at, at + size));
    at += size;
  }
  return parts.join(" ");
}

const TYPED_SEPARATOR = /^(\d{1,2})\s*[/.\-\s]+\s*(\d*)\s*$/;

/** The expiry's month and year as typed, before a four-digit year is shortened; see `expiryDigits`. */
function typedExpiry(text: string, separators: boolean): { month: string; year: string } {
  const split = separators ? TYPED_SEPARATOR.exec(text.trimStart()) : null;
  if (split) {
    return { month: split[1]!.length === 1 && split[1] !== "0" ? `0${split[1]}` : split[1]!, year: split[2]! };
  }
  const digits = digitsOf(text);
  // A first digit from 2 to 9 can only be a month's (4 → 04). A 1 is kept as typed whatever follows: 13 is a
  // mistyped month, for the field to refuse once it is left, never read as 01 and a year starting with 3.
  const padded = /^[2-9]/.test(digits);
  return { month: padded ? `0${digits[0]}` : digits.slice(0, 2), year: digits.slice(padded ? 1 : 2) };
}

/** Whether a year is one of this century written in four digits (`2029`), whole or still being typed (`202`). */
const FOUR_DIGIT_YEAR = /^20\d{1,2}$/;

/**
 * The expiry's digits, MMYY as far as they were typed, for the form to show. A first digit from 2 to 9 is a month
 * (`4` → `04`), and so is a single digit before a
 * separator (`1/29` → `0129`), when `separators` is set (as typed; not after a deletion, where a separator is
 * only what the form wrote). A four-digit year (`12/2029`, as some autofill writes it, or as typed key by key)
 * gives its last two once it is whole, and is kept as typed until then (`12202`).
 */
export function expiryDigits(text: string, separators = true): string {
  const { month, year } = typedExpiry(text, separators);
  if (month.length < 2) return month;
  if (FOUR_DIGIT_YEAR.test(year)) return month + (year.length === 4 ? year.slice(2) : year);
  return month + year.slice(0, 2);
}

/** How many of the typed digits an expiry keeps as digits of its own: all but the `20` of a whole four-digit year. */
function keptExpiryDigits(text: string, separators: boolean): number {
  const { month, year } = typedExpiry(text, separators);
  return digitsOf(month).length + (FOUR_DIGIT_YEAR.test(year) && year.length === 4 ? 2 : year.length);
}

/** The expiry as the form shows it: `12 / 29`; `12 / ` once the month is complete, so the year follows. */
export function formatExpiry(digits: string): string {
  return digits.length < 2 ? digits : `${digits.slice(0, 2)} / ${digits.slice(2, 5)}`;
}

const COMPLETE_EXPIRY = [
  /^(\d{1,2})\s*[/.\-\s]\s*(\d{2}|20\d{2})$/, // 12/29, 12 / 29, 1/29, 12-29, 12/2029
  /^(\d{2})(\d{2}|20\d{2})$/, // 1229, 122029
];

/**
 * The expiry as the card schema holds it, `MM/YY`, from the ways people write it (`1229`, `12/29`, `12 / 29`,
 * `1/29`, `12/2029`), or null. Stricter than the form's formatting: nothing is guessed, `13/29` stays wrong.
 */
export function normaliseExpiry(text: string): string | null {
  const trimmed = text.trim();
  for (const pattern of COMPLETE_EXPIRY) {
    const match = pattern.exec(trimmed);
    if (match) return `${match[1]!.padStart(2, "0")}/${match[2]!.slice(-2)}`;
  }
  return null;
}

export type CardField = "number" | "expiry" | "cvc";

/** One change of a card field as the browser reports it: the field's text and caret after it, and what it held. */
export interface CardFieldChange {
  value: string;
  caret: number;
  previous: string;
  /** `InputEvent.inputType` (`insertText`, `insertFromPaste`, `deleteContentBackward`…); empty when unknown. */
  inputType: string;
}

/** Where the caret goes in `formatted`: after its `count`-th digit, or at the end when no digit follows it. */
function caretAfterDigits(formatted: string, count: number): number {
  let seen = 0;
  for (let index = 0; index < formatted.length; index++) {
    if (seen === count) return /\d/.test(formatted.slice(index)) ? index : formatted.length;
    if (/\d/.test(formatted[index]!)) seen++;
  }
  return formatted.length;
}

/**
 * A card field's text after a change, formatted, and where the caret goes: after the same digits it followed.
 * A deletion that removed only what the form wrote (the space of a group, the ` / ` of the expiry) removes the
 * digit beyond it too, so backspace steps over a separator rather than sticking at it.
 */
export function applyCardFieldChange(field: CardField, change: CardFieldChange): { value: string; caret: number } {
  let { value, caret } = change;
  const deletion = change.inputType.startsWith("delete");
  if (deletion && digitsOf(value) === digitsOf(change.previous) && value.length < change.previous.length) {
    const backward = !change.inputType.includes("Forward");
    const digitPositions = [...value].flatMap((character, index) => (/\d/.test(character) ? [index] : []));
    const target = backward
      ? digitPositions.filter((index) => index < caret).at(-1)
      : digitPositions.find((index) => index >= caret);
    if (target !== undefined) {
      value = value.slice(0, target) + value.slice(target + 1);
      if (backward) caret = target;
    }
  }
  const format = (text: string): string => {
    switch (field) {
      case "number":
        return formatCardNumber(text);
      case "expiry":
        return formatExpiry(expiryDigits(text, !deletion));
      case "cvc":
        return digitsOf(text).slice(0, 4);
    }
  };
  const formatted = format(value);
  // A digit typed into a full field is refused, as a field of a fixed length refuses it, wherever the caret is.
  const typed = field === "expiry" ? keptExpiryDigits(value, !deletion) : digitsOf(value).length;
  if (change.inputType === "insertText" && digitsOf(formatted).length < typed) {
    return { value: change.previous, caret: Math.max(0, caret - (value.length - change.previous.length)) };
  }
  const before = digitsOf(format(value.slice(0, caret))).length;
  return { value: formatted, caret: caretAfterDigits(formatted, Math.min(before, digitsOf(formatted).length)) };
}
