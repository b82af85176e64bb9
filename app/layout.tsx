import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";

import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const portal = (await getTranslations("frame"))("portalName");
  return {
    title: { default: portal, template: `%s · ${portal}` },
    description: "Invoices and checkout completion for coworking guests and customers.",
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

/** Every page renders per request: its scripts carry that response's CSP nonce (proxy.ts), which a page built ahead could not. */
export default async function RootLayout({ children }: { children: ReactNode }) {
  await connection();
  return (
    <html lang={await getLocale()}>
      <body>{children}</body>
    </html>
  );
}
