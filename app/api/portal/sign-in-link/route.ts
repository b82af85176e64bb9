import { z } from "zod";

import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { describeSignInLink } from "@/lib/server/auth/sign-in-challenge";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed, readJsonBody, refuseForeignOrigin } from "@/lib/server/http";
import { GuestDetailsSchema } from "@/lib/validation/guest";

export const dynamic = "force-dynamic";

const RequestSchema = z.union([
  z.object({ email: GuestDetailsSchema.shape.email }).strict(),
  // "Send me a new link" on the page of a used, expired or void link: for the address that link was sent to.
  z.object({ resendFor: z.string().min(1).max(100) }).strict(),
]);

/**
 * The portal's "e-mail me a sign-in link": 202 whatever happens (an unknown address, a limit reached), so the answer
 * reveals no account. Only a malformed request is refused.
 */
export async function POST(request: Request): Promise<Response> {
  return handleRoute(async () => {
    // Another site's page cannot make its visitors' browsers ask (a form or a no-cors fetch cannot send JSON either).
    refuseForeignOrigin(request);
    if (!request.headers.get("content-type")?.toLowerCase().startsWith("application/json")) {
      throw new AppError("bad_request", { detail: "Send the request as application/json." });
    }
    const parsed = RequestSchema.safeParse(await readJsonBody(request));
    if (!parsed.success) throw new AppError("bad_request", { detail: "Send {\"email\": …} with a valid e-mail address." });
    const email = "email" in parsed.data ? parsed.data.email : (await describeSignInLink(parsed.data.resendFor))?.email;
    if (email) await requestSignInLink({ email, clientIp: clientIpOf(request) });
    return jsonResponse({ requested: true }, { status: 202 });
  });
}

export const GET = methodNotAllowed("POST");
