import { after } from "next/server";
import { z } from "zod";

import { requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { describeSignInLink } from "@/lib/server/auth/sign-in-challenge";
import { AppError } from "@/lib/server/errors";
import { logger } from "@/lib/server/logger";
import {
  clientIpOf,
  handleRoute,
  jsonResponse,
  methodNotAllowed,
  readJsonBody,
  refuseForeignOrigin,
} from "@/lib/server/http";
import { GuestDetailsSchema } from "@/lib/validation/guest";

export const dynamic = "force-dynamic";

const RequestSchema = z.union([
  z.object({ email: GuestDetailsSchema.shape.email }).strict(),
  // "Send me a new link" on the page of a used, expired or void link: for the address that link was sent to.
  z.object({ resendFor: z.string().min(1).max(100) }).strict(),
]);

/**
 * The portal's "e-mail me a sign-in link": 202 whatever happens (an unknown address, a limit reached), at once, so
 * neither the answer nor its timing reveals an account. Only a malformed request is refused.
 */
export async function POST(request: Request): Promise<Response> {
  return handleRoute(async () => {
    // Another site's page cannot make its visitors' browsers ask (a form or a no-cors fetch cannot send JSON either).
    refuseForeignOrigin(request);
    const parsed = RequestSchema.safeParse(await readJsonBody(request));
    if (!parsed.success)
      throw new AppError("bad_request", { detail: 'Send {"email": …} with a valid e-mail address.' });
    const clientIp = clientIpOf(request);
    const data = parsed.data;
    // Decided and done after the answer has gone, so its timing cannot tell an address with an account (which gets a
    // challenge and an e-mail written) from one without. A crash in between sends nothing: the guest asks again.
    after(async () => {
      try {
        const email = "email" in data ? data.email : (await describeSignInLink(data.resendFor))?.email;
        if (email) await requestSignInLink({ email, clientIp });
      } catch (error) {
        logger.error("sign-in link request failed", { error: String(error) });
      }
    });
    return jsonResponse({ requested: true }, { status: 202 });
  });
}

export const GET = methodNotAllowed("POST");
