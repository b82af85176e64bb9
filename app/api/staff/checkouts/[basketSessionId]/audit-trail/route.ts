import { requireStaffCheckoutRequest } from "@/lib/server/auth/staff-request";
import { handleRoute, jsonResponse, methodNotAllowed } from "@/lib/server/http";
import { latestAuditEventOf } from "@/lib/server/staff/audit-trail";

export const dynamic = "force-dynamic";

/**
 * Staff: the id of a checkout's newest audit event (null when it has none). The checkout's page asks every few
 * seconds and redraws itself when it changed, so new events appear without a reload. Only a number: the page
 * itself shows the events.
 */
export async function GET(
  request: Request,
  context: { params: Promise<{ basketSessionId: string }> },
): Promise<Response> {
  return handleRoute(async () => {
    const { staff, basketSessionId } = await requireStaffCheckoutRequest(request, context.params);
    return jsonResponse(await latestAuditEventOf({ businessId: staff.businessId, basketSessionId }));
  });
}

export const POST = methodNotAllowed("GET");
