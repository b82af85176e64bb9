import "server-only";

import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

import { getPageViewer } from "@/lib/server/auth/viewer";
import { getBrand } from "@/lib/server/business-brands";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

/**
 * The tab titles, which name the business whose page it is: `Book your space · Hive & Desk Coworking`. They cost no
 * query of their own: the business is read once per request (React's `cache`), by the title and by the page's
 * frame alike (the guests' SiteFrame, the staff's StaffFrame).
 */

/** A guest's page (checkout, completion, portal, sign-in): the page, then the business its frame shows. */
export async function guestPageTitle(page: string): Promise<Metadata["title"]> {
  const [brand, t] = await Promise.all([getBrand(), getTranslations("frame")]);
  return { absolute: `${page} · ${brand?.name ?? t("portalName")}` };
}

/** A page of the staff area: the page, that it is the staff's, and the business of the staff member signed in. */
export async function staffPageTitle(page: string): Promise<Metadata["title"]> {
  const viewer = await getPageViewer();
  const business = viewer.kind === "staff" ? await getStaffBusiness(viewer) : null;
  return { absolute: business ? `${page} · Staff · ${business.name}` : `${page} · Staff` };
}
