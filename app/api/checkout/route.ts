import { guestLocaleOf } from "@/lib/i18n/negotiate";
import { getStorefrontOrThrow } from "@/lib/server/billing/get-storefront";
import { placeCheckout } from "@/lib/server/billing/place-checkout";
import { AppError } from "@/lib/server/errors";
import {
  clientIpOf,
  handleRoute,
  jsonResponse,
  methodNotAllowed,
  readJsonBody,
  refuseForeignOrigin,
} from "@/lib/server/http";
import { checkoutPaymentProvider } from "@/lib/server/payments/registry";
import { withCheckoutAttempt } from "@/lib/server/rate-limit";

export const dynamic = "force-dynamic";

/** The checkout page's submission: place the order, pay, answer with the completion page's address. */
export async function POST(request: Request): Promise<Response> {
  return handleRoute(async () => {
    // Another site's page cannot make its visitors' browsers place orders (nor a form post: the body must be JSON).
    refuseForeignOrigin(request);
    const clientIp = clientIpOf(request);
    return withCheckoutAttempt(clientIp, async () => {
      const order = await readJsonBody(request);
      if (order === null) throw new AppError("bad_request", { detail: "The request body must be a JSON object." });
      const storefront = await getStorefrontOrThrow();
      // The language the page was shown in: the same cookie or Accept-Language comes with its submission.
      const locale = guestLocaleOf(request.headers);
      return jsonResponse(
        await placeCheckout({
          businessId: storefront.id,
          order,
          provider: checkoutPaymentProvider(),
          clientIp,
          locale,
        }),
      );
    });
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
