import { requireStaffRequest } from "@/lib/server/auth/staff-request";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed } from "@/lib/server/http";
import { resendRegistrationEmail } from "@/lib/server/staff/resend-registration-email";
import { PositiveIdSchema } from "@/lib/validation/registration";

export const dynamic = "force-dynamic";

/** Staff: queue a registered checkout's registration e-mail again. */
export async function POST(request: Request, context: { params: Promise<{ basketSessionId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const staff = await requireStaffRequest(request);
    const id = PositiveIdSchema.safeParse((await context.params).basketSessionId);
    if (!id.success) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
    const sent = await resendRegistrationEmail({
      staffUserId: staff.staffUserId,
      businessId: staff.businessId,
      basketSessionId: id.data,
      clientIp: clientIpOf(request),
    });
    return jsonResponse(sent);
  });
}

export const GET = methodNotAllowed("POST");
