import "server-only";

import { notFound, redirect } from "next/navigation";

import { getPageViewer } from "@/lib/server/auth/viewer";
import type { StaffViewer } from "@/lib/server/auth/staff-request";
import { AppError } from "@/lib/server/errors";
import { PositiveIdSchema } from "@/lib/validation/registration";

/** Every staff page starts here: anyone but a signed-in staff member is sent to the staff sign-in page. */
export async function requireStaffPage(): Promise<StaffViewer> {
  const viewer = await getPageViewer();
  if (viewer.kind !== "staff") redirect("/staff/sign-in");
  return viewer;
}

/** A staff page's record by the id in its address: the not-found page for a malformed or foreign id. */
export async function loadOrNotFound<T>(id: string, load: (id: number) => Promise<T>): Promise<T> {
  const parsed = PositiveIdSchema.safeParse(id);
  if (!parsed.success) notFound();
  try {
    return await load(parsed.data);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}
