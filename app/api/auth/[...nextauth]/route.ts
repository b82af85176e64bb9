import NextAuth from "next-auth";
import { NextRequest } from "next/server";

import { getAuthOptions } from "@/lib/server/auth/options";
import { withAuthRequest } from "@/lib/server/auth/auth-request";
import { AppError, toProblemResponse } from "@/lib/server/errors";
import { clientIpOf, methodNotAllowed, readBodyText } from "@/lib/server/http";

export const dynamic = "force-dynamic";

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

/** next-auth's endpoints (sign-in, callback, session, csrf, sign-out). The options are built on first use. */
const handler: Handler = (request, context) => (NextAuth(getAuthOptions()) as Handler)(request, context);

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * A `callbackUrl` next-auth may use: a path of this app ("/portal", never "//host" or "/\\host"), or an address on its
 * own origin. next-auth answers anything else (`javascript:`, a bare word, another host's look-alike) with a 500.
 */
function isOwnCallbackUrl(value: string, request: Request): boolean {
  // Only what can stand in a Location header as it is: printable ASCII, no space.
  if (!/^[\x21-\x7e]{1,2048}$/.test(value)) return false;
  if (/^\/(?![/\\])/.test(value)) return true;
  try {
    return new URL(value).origin === new URL(request.url).origin;
  } catch {
    return false;
  }
}

/** The form's fields with a `callbackUrl` that is not the app's own dropped (next-auth then uses its default). */
function withOwnCallbackUrl(body: string, contentType: string | null, request: Request): string {
  if (contentType?.includes("json")) {
    const fields = JSON.parse(body) as unknown;
    if (
      fields &&
      typeof fields === "object" &&
      "callbackUrl" in fields &&
      !(typeof fields.callbackUrl === "string" && isOwnCallbackUrl(fields.callbackUrl, request))
    ) {
      const rest: Record<string, unknown> = { ...fields };
      delete rest.callbackUrl;
      return JSON.stringify(rest);
    }
    return body;
  }
  const fields = new URLSearchParams(body);
  const callbackUrl = fields.get("callbackUrl");
  if (callbackUrl !== null && !isOwnCallbackUrl(callbackUrl, request)) fields.delete("callbackUrl");
  return fields.toString();
}

/** Its forms are small: the body is read here, within the limit, before next-auth reads it whole. */
const post: Handler = async (request, context) => {
  const [action = "", provider] = (await context.params).nextauth;
  // Only these take a POST; next-auth's sign-in page (a POST to `signin` without a provider) is never ours.
  if (
    !((action === "callback" || action === "signin") && (provider === "customer" || provider === "staff")) &&
    action !== "signout"
  ) {
    return toProblemResponse(new AppError("not_found"));
  }
  let body: string;
  try {
    body = await readBodyText(request);
    const contentType = request.headers.get("content-type");
    // next-auth parses a JSON body itself and answers 500 when it cannot.
    if (contentType?.includes("json") && !isJson(body))
      throw new AppError("bad_request", { detail: "The request body is not valid JSON." });
    body = withOwnCallbackUrl(body, contentType, request);
  } catch (error) {
    return toProblemResponse(error);
  }
  // Nothing of ours puts a query on these POSTs, and next-auth would take a `callbackUrl` there unchecked (a 500).
  const url = new URL(request.url);
  url.search = "";
  return withAuthRequest(clientIpOf(request), () =>
    handler(new NextRequest(url, { method: "POST", headers: request.headers, body }), context),
  );
};

/** What the pages read from next-auth with GET. */
const READ_ACTIONS = new Set(["session", "csrf", "providers"]);
/** What only a POST does: sign in (a callback is the one place a sign-in completes) or out. */
const POST_ACTIONS = new Set(["callback", "signin", "signout"]);

/**
 * GET (and HEAD, which Next.js answers with it) never signs anyone in or out, so a mail scanner or a prefetch that
 * follows a URL changes nothing, and shows none of next-auth's own pages: its error page is our sign-in page. What
 * the pages read is handed on with no query (no `callbackUrl` to trip over) as a GET; anything else is not found.
 */
const get: Handler = async (request, context) => {
  const [action = ""] = (await context.params).nextauth;
  if (POST_ACTIONS.has(action)) return methodNotAllowed("POST")();
  // A relative Location: the request's own URL names the address the server listens on (0.0.0.0), not the client's.
  if (action === "error")
    return new Response(null, { status: 302, headers: { location: "/portal/sign-in?error=signin" } });
  if (!READ_ACTIONS.has(action)) return toProblemResponse(new AppError("not_found"));
  const url = new URL(request.url);
  url.search = "";
  return handler(new NextRequest(url, { method: "GET", headers: request.headers }), context);
};

export { get as GET, post as POST };
