import { requireStaffRequest } from "@/lib/server/auth/staff-request";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed, readJsonBody } from "@/lib/server/http";
import { correctGuestEmail } from "@/lib/server/staff/correct-guest-email";
import { PositiveIdSchema } from "@/lib/validation/registration";

export const dynamic = "force-dynamic";

/** Staff: correct the e-mail address a guest mistyped at checkout (`{"email": …}`). */
export async function POST(request: Request, context: { params: Promise<{ basketSessionId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const staff = await requireStaffRequest(request);
    const id = PositiveIdSchema.safeParse((await context.params).basketSessionId);
    if (!id.success) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
    const body = (await readJsonBody(request)) as { email?: unknown } | null;
    const corrected = await correctGuestEmail({
      staffUserId: staff.staffUserId,
      staffEmail: staff.email,
      businessId: staff.businessId,
      basketSessionId: id.data,
      email: body?.email,
      clientIp: clientIpOf(request),
    });
    return jsonResponse(corrected);
  });
}

export const GET = methodNotAllowed("POST");
