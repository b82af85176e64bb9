import { NextResponse, type NextRequest } from "next/server";

import { DEFAULT_LOCALE, isLocale, LOCALE_HEADER, type Locale } from "@/lib/i18n/locales";
import { guestLocaleOf } from "@/lib/i18n/negotiate";

/**
 * The pages written in the guest's language: the checkout and the customer portal. The others (the staff pages, the
 * home page) are in English, the business's default.
 */
const GUEST_LANGUAGE_PAGES = ["/checkout", "/portal"];

function isGuestLanguagePage(pathname: string): boolean {
  return GUEST_LANGUAGE_PAGES.some((page) => pathname === page || pathname.startsWith(`${page}/`));
}

/**
 * A guest page's language: the one its address names (`?lang=`, on the links of our e-mails, which are written in
 * the customer's language), else the guest's own (guestLocaleOf).
 */
function guestPageLocale(request: NextRequest): Locale {
  const named = request.nextUrl.searchParams.get("lang");
  return isLocale(named) ? named : guestLocaleOf(request.headers);
}

/**
 * The Content-Security-Policy of every page, with a nonce of its own per response: Next.js reads the policy from
 * the request headers and puts the nonce on the scripts it writes, so only those run. No 'unsafe-eval' outside
 * `next dev` (React needs it there for its debugging). Inline style attributes stay allowed (`style-src-attr`):
 * React writes a few, and the staff outbox previews e-mails, whose HTML is styled that way; no script can use
 * them. API routes are left out of the matcher: they answer JSON and files, and nothing in front of them should
 * read their bodies. It also decides each page's language, in a header the client cannot set (it is overwritten).
 */
export function proxy(request: NextRequest): NextResponse {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const development = process.env.NODE_ENV === "development";
  const policy = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  requestHeaders.set(
    LOCALE_HEADER,
    isGuestLanguagePage(request.nextUrl.pathname) ? guestPageLocale(request) : DEFAULT_LOCALE,
  );
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  // Browsers keep to HTTPS for two years once they have seen it served that way (APP_URL says how it is served).
  if (process.env.APP_URL?.startsWith("https://"))
    response.headers.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  return response;
}

export const config = {
  matcher: [{ source: "/((?!api/|_next/static/|_next/image$|icon\\.svg$).*)" }],
};
