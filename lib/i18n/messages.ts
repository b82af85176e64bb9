import type en from "./messages/en.json";
import type { Locale } from "./locales";

/** A catalogue: every locale has exactly the keys of English (lib/i18n/messages.test.ts). */
export type Messages = typeof en;
export type Namespace = keyof Messages;

/** Each catalogue is its own chunk: a request loads its locale's alone. */
const catalogues: Record<Locale, () => Promise<{ default: Messages }>> = {
  en: () => import("./messages/en.json"),
  de: () => import("./messages/de.json"),
  fr: () => import("./messages/fr.json"),
  es: () => import("./messages/es.json"),
};

export async function messagesFor(locale: Locale): Promise<Messages> {
  return (await catalogues[locale]()).default;
}

/** Only the namespaces a page's client components use, so the browser receives nothing else. */
export function pick<N extends Namespace>(messages: Messages, namespaces: readonly N[]): Pick<Messages, N> {
  return Object.fromEntries(namespaces.map((namespace) => [namespace, messages[namespace]])) as Pick<Messages, N>;
}
