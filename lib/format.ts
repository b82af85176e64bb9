/**
 * Display formatting shared by the invoice PDF (server) and the pages (browser): money in the invoice's
 * currency and the business's locale, dates in the business's time zone. Amounts are integer minor units.
 */

/** Formatters by what they were made for: making one costs far more than using it (a PDF formats dozens of values). */
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, create: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) formats.set(key, (format = create()));
  return format;
}

/**
 * The currency's narrow symbol: "25,00 £" rather than French's "25,00 £GB". A business has one currency, so the
 * symbol cannot be mistaken for another's.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const format = cached(
    `money|${locale}|${currency}`,
    () => new Intl.NumberFormat(locale, { style: "currency", currency, currencyDisplay: "narrowSymbol" }),
  );
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

export function formatTaxRate(basisPoints: number, locale: string): string {
  return cached(
    `percent|${locale}`,
    () => new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }),
  ).format(basisPoints / 10_000);
}

export function formatDate(instant: Date | string, timeZone: string, locale: string): string {
  return cached(
    `date|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone }),
  ).format(new Date(instant));
}

/** `jane@example.com` → `j***@example.com`: enough to recognise one's address, not to learn someone's. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at < 1) return "***";
  return `${email[0]}***${email.slice(at)}`;
}

export function formatDateTime(instant: Date | string, timeZone: string, locale: string): string {
  return cached(
    `datetime|${locale}|${timeZone}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }),
  ).format(new Date(instant));
}
