import { z } from "zod";

import { requireStaffRequest } from "@/lib/server/auth/staff-request";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed, readJsonBody } from "@/lib/server/http";
import { dryRunRegistration } from "@/lib/server/staff/dry-run-registration";

export const dynamic = "force-dynamic";

const DryRunRequestSchema = z.object({ invoiceId: z.string().max(32), basketSession: z.string().max(64) });

/** Staff: what registerByToken would answer for this invoice and basket session, without doing it. */
export async function POST(request: Request): Promise<Response> {
  return handleRoute(async () => {
    const staff = await requireStaffRequest(request);
    const parsed = DryRunRequestSchema.safeParse(await readJsonBody(request));
    if (!parsed.success)
      throw new AppError("bad_request", { detail: "Give the invoice number (id) and the basket session GUID." });
    const outcome = await dryRunRegistration({
      staffUserId: staff.staffUserId,
      businessId: staff.businessId,
      invoiceId: parsed.data.invoiceId.trim(),
      basketSession: parsed.data.basketSession.trim(),
      clientIp: clientIpOf(request),
    });
    return jsonResponse(outcome);
  });
}

export const GET = methodNotAllowed("POST");
