import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";

import { PREVIEW_STATES } from "@/components/checkout/preview-states";
import { CompletionPreview } from "@/components/staff/completion-preview";
import { PreviewTools } from "@/components/staff/preview-tools";
import { StaffFrame } from "@/components/staff/staff-frame";
import { brandStyle } from "@/components/ui/page-shell";
import { getBrand } from "@/lib/server/brand";
import styles from "@/components/staff/staff.module.css";
import { getConfig } from "@/lib/config";
import { requireStaffPage } from "@/lib/server/auth/staff-page";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

export const metadata: Metadata = { title: "Completion preview · Staff", robots: { index: false, follow: false } };

/** `?state=` names one of the preview's states; anything else shows the first. */
const PreviewQuerySchema = z.object({ state: z.enum(PREVIEW_STATES.map((preview) => preview.kind)).optional().catch(undefined) });

export default async function StaffPreviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const staff = await requireStaffPage();
  const business = await getStaffBusiness(staff);
  const { state } = PreviewQuerySchema.parse(await searchParams);
  const current = PREVIEW_STATES.find((preview) => preview.kind === state) ?? PREVIEW_STATES[0]!;

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff/preview">
      <div className={styles.previewLayout}>
        <nav aria-label="Completion page states">
          <p className={styles.stateHeading}>States of the completion page</p>
          <ul className={styles.stateList}>
            {PREVIEW_STATES.map((preview) => (
              <li key={preview.kind}>
                <Link href={`/staff/preview?state=${preview.kind}`} aria-current={preview.kind === current.kind ? "page" : undefined}>
                  {preview.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          <p className={styles.banner} role="note">
            Preview — nothing is saved. This is the guest&apos;s page in the “{current.label}” state, with sample data.
          </p>
          <div style={brandStyle(await getBrand(staff.businessId))}>
            <CompletionPreview key={current.kind} state={current.state} />
          </div>
        </div>
      </div>

      <PreviewTools demoCheckoutsEnabled={getConfig().demoCheckoutsEnabled} />
    </StaffFrame>
  );
}
