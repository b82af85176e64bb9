import { headers } from "next/headers";
import { getRequestConfig } from "next-intl/server";

import { languageOf, LOCALE_HEADER } from "./locales";
import { messagesFor } from "./messages";

/**
 * next-intl's configuration per request: the language proxy.ts chose for the page (the guest's on guest pages, the
 * business's default on the others), and its catalogue alone.
 */
export default getRequestConfig(async () => {
  const locale = languageOf((await headers()).get(LOCALE_HEADER));
  return { locale, messages: await messagesFor(locale), timeZone: "UTC" };
});
