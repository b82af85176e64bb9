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

/** Its forms are small: the body is read here, within the limit, before next-auth reads it whole. */
const post: Handler = async (request, context) => {
  let body: string;
  try {
    body = await readBodyText(request);
    // next-auth parses a JSON body itself and answers 500 when it cannot.
    if (request.headers.get("content-type")?.includes("json") && !isJson(body)) throw new AppError("bad_request", { detail: "The request body is not valid JSON." });
  } catch (error) {
    return toProblemResponse(error);
  }
  return withAuthRequest(clientIpOf(request), () => handler(new NextRequest(request, { body }), context));
};

/** What the pages read from next-auth with GET; `error` sends next-auth's errors on to our sign-in page. */
const READ_ACTIONS = new Set(["session", "csrf", "providers", "error"]);
/** What only a POST does: sign in (a callback is the one place a sign-in completes) or out. */
const POST_ACTIONS = new Set(["callback", "signin", "signout"]);

/**
 * GET (and HEAD, which Next.js answers with it) never signs anyone in or out, so a mail scanner or a prefetch that
 * follows a URL changes nothing; next-auth's own pages are never shown. Anything else is not found, in words.
 */
const get: Handler = async (request, context) => {
  const [action = ""] = (await context.params).nextauth;
  if (POST_ACTIONS.has(action)) return methodNotAllowed("POST")();
  if (!READ_ACTIONS.has(action)) return toProblemResponse(new AppError("not_found"));
  return handler(request, context);
};

export { get as GET, post as POST };
