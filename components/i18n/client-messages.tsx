import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import type { ReactNode } from "react";

import { pick, type Namespace } from "@/lib/i18n/messages";

/**
 * Gives the client components below it the request's language and the namespaces they use, and no more: a page
 * sends the browser its own locale's messages for itself alone.
 */
export async function ClientMessages({
  namespaces,
  children,
}: {
  namespaces: readonly Namespace[];
  children: ReactNode;
}) {
  const [locale, messages] = await Promise.all([getLocale(), getMessages()]);
  return (
    <NextIntlClientProvider locale={locale} messages={pick(messages, namespaces)} timeZone="UTC">
      {children}
    </NextIntlClientProvider>
  );
}
