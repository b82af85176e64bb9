import "server-only";

import { getRequestViewer, type Viewer } from "@/lib/server/auth/viewer";
import { AppError } from "@/lib/server/errors";
import { refuseUnlessOwnPage } from "@/lib/server/http";
import { PositiveIdSchema } from "@/lib/validation/registration";

export type StaffViewer = Extract<Viewer, { kind: "staff" }>;

/**
 * A staff action's request: from the portal's own pages (Origin, or Sec-Fetch-Site where a browser sends no
 * Origin) and by a signed-in staff member. Not signed in is 401; a customer's session finds nothing (404).
 */
export async function requireStaffRequest(request: Request): Promise<StaffViewer> {
  refuseUnlessOwnPage(request);

  const viewer = await getRequestViewer(request);
  if (viewer.kind === "anonymous") throw new AppError("unauthorized");
  if (viewer.kind !== "staff") throw new AppError("not_found");
  return viewer;
}

/**
 * A staff action on one guest checkout (`/api/staff/checkouts/{basketSessionId}/…`): the staff request's checks, then
 * the checkout's number, which is not found (404) unless it is one; whether it is their business's checkout is the
 * action's to check.
 */
export async function requireStaffCheckoutRequest(
  request: Request,
  params: Promise<{ basketSessionId: string }>,
): Promise<{ staff: StaffViewer; basketSessionId: number }> {
  const staff = await requireStaffRequest(request);
  const id = PositiveIdSchema.safeParse((await params).basketSessionId);
  if (!id.success) throw new AppError("not_found", { detail: "No guest checkout of your business has this number." });
  return { staff, basketSessionId: id.data };
}
