import { match } from "@formatjs/intl-localematcher";
import Negotiator from "negotiator";

import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, LOCALES, type Locale } from "./locales";

/** The value of one cookie in a Cookie header, or null. */
function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

/** The tags of an Accept-Language header a browser would honour, most wanted first; malformed ones are dropped. */
function acceptedLanguages(header: string): string[] {
  return new Negotiator({ headers: { "accept-language": header } }).languages().filter((tag) => {
    try {
      return tag !== "*" && Intl.getCanonicalLocales(tag).length === 1;
    } catch {
      return false;
    }
  });
}

/**
 * The guest's language for a request: the one they chose in the switcher (a cookie), else the best match of
 * their browser's Accept-Language in order of preference ("de-CH" is German), else English.
 */
export function guestLocaleOf(headers: Headers): Locale {
  const chosen = cookieValue(headers.get("cookie"), LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  const accepted = acceptedLanguages(headers.get("accept-language") ?? "");
  if (accepted.length === 0) return DEFAULT_LOCALE;
  const best = match(accepted, [...LOCALES], DEFAULT_LOCALE);
  return isLocale(best) ? best : DEFAULT_LOCALE;
}
