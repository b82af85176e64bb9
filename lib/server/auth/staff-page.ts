import "server-only";

import { redirect } from "next/navigation";

import { getPageViewer } from "@/lib/server/auth/viewer";
import type { StaffViewer } from "@/lib/server/auth/staff-request";

/** Every staff page starts here: anyone but a signed-in staff member is sent to the staff sign-in page. */
export async function requireStaffPage(): Promise<StaffViewer> {
  const viewer = await getPageViewer();
  if (viewer.kind !== "staff") redirect("/staff/sign-in");
  return viewer;
}
