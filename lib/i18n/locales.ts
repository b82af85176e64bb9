/**
 * The languages the guest's pages, e-mails and invoices are written in. To add one, see the README
 * ("Adding a language"): a catalogue in lib/i18n/messages and its name below.
 */
export const LOCALES = ["en", "de", "fr", "es"] as const;
export type Locale = (typeof LOCALES)[number];

/** The business's language when it has none of its own in LOCALES, and the staff pages' language. */
export const DEFAULT_LOCALE: Locale = "en";

/** The cookie that remembers a guest's choice in the language switcher (a year, the whole site). */
export const LOCALE_COOKIE = "locale";
export const LOCALE_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 60 * 60;

/** The request header in which proxy.ts passes a page the language it is rendered in. */
export const LOCALE_HEADER = "x-locale";

/** Each language's name in itself, as the switcher shows it. */
export const LOCALE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch", fr: "Français", es: "Español" };

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The language of a BCP 47 tag ("de-AT" → "de") when it is one of ours, otherwise null. */
function ourLanguageOf(tag: string | null | undefined): Locale | null {
  const language = tag?.split(/[-_]/)[0]?.toLowerCase();
  return isLocale(language) ? language : null;
}

/**
 * The language of a BCP 47 tag ("de-AT" → "de", a business's locale) or of a stored value (a checkout's or
 * customer's `locale`) when it is one of ours, otherwise the default.
 */
export function languageOf(tag: string | null | undefined): Locale {
  return ourLanguageOf(tag) ?? DEFAULT_LOCALE;
}

/**
 * The locale a text in `language` for a business writes its numbers, dates and country names in: the business's own
 * (en-GB) when the text is in its language, otherwise that language in the business's region (a German text of a
 * London business: de-GB, `1.234,56 £`, `2. Dezember 2026`, `Vereinigtes Königreich`). Pages, e-mails and invoices
 * alike, so one language reads one way everywhere (docs/contract.md §4.6).
 */
export function displayLocale(language: Locale, businessLocale: string): string {
  if (ourLanguageOf(businessLocale) === language) return businessLocale;
  try {
    const { region } = new Intl.Locale(businessLocale);
    return region ? new Intl.Locale(language, { region }).toString() : language;
  } catch {
    // Not a BCP 47 tag: the language with its usual conventions.
    return language;
  }
}
