import { requireStaffCheckoutRequest } from "@/lib/server/auth/staff-request";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed } from "@/lib/server/http";
import { resendRegistrationEmail } from "@/lib/server/staff/resend-registration-email";

export const dynamic = "force-dynamic";

/** Staff: queue a registered checkout's registration e-mail again. */
export async function POST(
  request: Request,
  context: { params: Promise<{ basketSessionId: string }> },
): Promise<Response> {
  return handleRoute(async () => {
    const { staff, basketSessionId } = await requireStaffCheckoutRequest(request, context.params);
    const sent = await resendRegistrationEmail({
      staffUserId: staff.staffUserId,
      businessId: staff.businessId,
      basketSessionId,
      clientIp: clientIpOf(request),
    });
    return jsonResponse(sent);
  });
}

export const GET = methodNotAllowed("POST");
