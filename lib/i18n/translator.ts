import { createTranslator } from "use-intl/core";

import type { Locale } from "./locales";
import { messagesFor, type Namespace } from "./messages";

/**
 * Messages of one namespace in one language, for what is written outside a page: e-mails and invoices. A missing
 * message throws (the catalogue test keeps every language complete), so nothing is ever sent half translated.
 */
export async function translatorFor<N extends Namespace>(locale: Locale, namespace: N) {
  const messages = await messagesFor(locale);
  return createTranslator({
    locale,
    messages,
    namespace,
    onError: (error) => {
      throw error;
    },
  });
}
