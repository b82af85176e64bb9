import "server-only";

import { getServerSession } from "next-auth";
import { getToken, type JWT } from "next-auth/jwt";
import { connection } from "next/server";
import { cache } from "react";

import { getConfig } from "@/lib/config";
import { getAuthOptions } from "@/lib/server/auth/options";

/** Who is asking: nobody, a staff member of one business, or a customer known by the e-mail they proved. */
export type Viewer =
  | { kind: "anonymous" }
  | { kind: "staff"; staffUserId: number; businessId: number; email: string }
  | { kind: "customer"; email: string };

function viewerOf(
  token: { role?: JWT["role"]; email?: string | null; staffUserId?: number; businessId?: number } | null,
): Viewer {
  if (token?.role === "staff" && token.staffUserId !== undefined && token.businessId !== undefined && token.email) {
    return { kind: "staff", staffUserId: token.staffUserId, businessId: token.businessId, email: token.email };
  }
  if (token?.role === "customer" && token.email) return { kind: "customer", email: token.email };
  return { kind: "anonymous" };
}

function cookiesOf(request: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const pair of (request.headers.get("cookie") ?? "").split(";")) {
    const separator = pair.indexOf("=");
    if (separator < 1) continue;
    try {
      cookies[pair.slice(0, separator).trim()] = decodeURIComponent(pair.slice(separator + 1).trim());
    } catch {
      // a malformed cookie is no session
    }
  }
  return cookies;
}

/** The viewer of an API request, from the next-auth session cookie (never from an Authorization header). */
export async function getRequestViewer(request: Request): Promise<Viewer> {
  getAuthOptions(); // sets NEXTAUTH_URL, which decides the (secure) cookie name
  const token = await getToken({
    req: { headers: {}, cookies: cookiesOf(request) } as never,
    secret: getConfig().auth.secret,
  });
  return viewerOf(token);
}

/**
 * The viewer of a page (server components), read once per request however many parts ask (the page, its title).
 * Such a page is rendered per request, never at build time.
 */
export const getPageViewer = cache(async (): Promise<Viewer> => {
  await connection();
  const session = await getServerSession(getAuthOptions());
  return viewerOf(session?.user ?? null);
});
