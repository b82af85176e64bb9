import { requireStaffCheckoutRequest } from "@/lib/server/auth/staff-request";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed, readJsonBody } from "@/lib/server/http";
import { correctGuestEmail } from "@/lib/server/staff/correct-guest-email";

export const dynamic = "force-dynamic";

/** Staff: correct the e-mail address a guest mistyped at checkout (`{"email": …}`). */
export async function POST(
  request: Request,
  context: { params: Promise<{ basketSessionId: string }> },
): Promise<Response> {
  return handleRoute(async () => {
    const { staff, basketSessionId } = await requireStaffCheckoutRequest(request, context.params);
    const body = (await readJsonBody(request)) as { email?: unknown } | null;
    const corrected = await correctGuestEmail({
      staffUserId: staff.staffUserId,
      staffEmail: staff.email,
      businessId: staff.businessId,
      basketSessionId,
      email: body?.email,
      clientIp: clientIpOf(request),
    });
    return jsonResponse(corrected);
  });
}

export const GET = methodNotAllowed("POST");
