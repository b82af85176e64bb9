import Negotiator from "negotiator";

import { DEFAULT_LOCALE, isLocale, LOCALE_COOKIE, LOCALES, type Locale } from "./locales";

/**
 * How much of the browser's list is read, and how many of its languages are looked at, most wanted first.
 * Browsers send a handful in under a hundred characters; a longer list is someone's attempt to make every page
 * request costly, and its tail would never decide anything.
 */
const READ_CHARACTERS = 256;
const MOST_WANTED = 10;

/** The value of one cookie in a Cookie header (the first of that name, unquoted), or null. */
function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=").replace(/^"(.*)"$/, "$1");
  }
  return null;
}

/**
 * The guest's language for a request: the one they chose in the switcher (a cookie), else the first of their
 * browser's languages, in its order of preference, whose language is one of ours ("de-CH" is German), else
 * English. Only the language part of a tag counts: our catalogues have no regional variants.
 */
export function guestLocaleOf(headers: Headers): Locale {
  const chosen = cookieValue(headers.get("cookie"), LOCALE_COOKIE);
  if (isLocale(chosen)) return chosen;
  const acceptLanguage = headers.get("accept-language");
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const read = acceptLanguage.slice(0, READ_CHARACTERS);
  const wanted = new Negotiator({ headers: { "accept-language": read } }).languages().slice(0, MOST_WANTED);
  for (const tag of wanted) {
    const language = tag.split("-")[0]!.toLowerCase();
    if ((LOCALES as readonly string[]).includes(language)) return language as Locale;
  }
  return DEFAULT_LOCALE;
}
