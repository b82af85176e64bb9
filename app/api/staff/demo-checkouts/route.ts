import { z } from "zod";

import { getConfig } from "@/lib/config";
import { recordAuditEvent } from "@/lib/server/db/audit-events";
import { requireStaffRequest } from "@/lib/server/auth/staff-request";
import { createDemoCheckout } from "@/lib/server/billing/create-demo-checkout";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, jsonResponse, methodNotAllowed, readJsonBody } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const DemoCheckoutRequestSchema = z
  .object({
    email: z.email().max(254).optional(),
    name: z.string().trim().min(1).max(200).optional(),
    unpaid: z.boolean().default(false),
    declined: z.boolean().default(false),
    expired: z.boolean().default(false),
  })
  .refine(
    (request) => [request.unpaid, request.declined, request.expired].filter(Boolean).length <= 1,
    "A demo checkout is of one kind: paid (the default), unpaid, declined or expired.",
  );

/** Staff: a demo guest checkout of their business, to preview the completion page with (same code as the CLI). */
export async function POST(request: Request): Promise<Response> {
  return handleRoute(async () => {
    const staff = await requireStaffRequest(request);
    if (!getConfig().demoCheckoutsEnabled)
      throw new AppError("not_found", { detail: "Demo checkouts are switched off here (DEMO_CHECKOUTS_ENABLED)." });
    const parsed = DemoCheckoutRequestSchema.safeParse(await readJsonBody(request));
    if (!parsed.success) throw new AppError("bad_request", { detail: parsed.error.issues[0]?.message });
    const checkout = await createDemoCheckout({ businessId: staff.businessId, ...parsed.data });
    await recordAuditEvent({
      type: "checkout.demo_created",
      actor: `staff:${staff.staffUserId}`,
      invoiceId: checkout.invoiceId,
      clientIp: clientIpOf(request),
      detail: { unpaid: parsed.data.unpaid, declined: parsed.data.declined, expired: parsed.data.expired },
    });
    return jsonResponse(
      {
        invoiceId: checkout.invoiceId,
        completionPath: checkout.completionPath,
        kind: checkout.kind,
        settlesAt: checkout.settlesAt?.toISOString() ?? null,
      },
      { status: 201 },
    );
  });
}

export const GET = methodNotAllowed("POST");
