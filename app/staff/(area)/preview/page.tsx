import type { Metadata } from "next";
import Link from "next/link";
import { NextIntlClientProvider } from "next-intl";
import { z } from "zod";

import { PREVIEW_STATES } from "@/components/checkout/preview-states";
import { CompletionPreview } from "@/components/staff/completion-preview";
import { PreviewTools } from "@/components/staff/preview-tools";
import { StaffFrame } from "@/components/staff/staff-frame";
import { brandStyle } from "@/components/ui/page-shell";
import { getBrand } from "@/lib/server/business-brands";
import styles from "@/components/staff/staff.module.css";
import { getConfig } from "@/lib/config";
import { DEFAULT_LOCALE, LOCALE_NAMES, LOCALES } from "@/lib/i18n/locales";
import { messagesFor, pick } from "@/lib/i18n/messages";
import { requireStaffPage } from "@/lib/server/auth/staff-page";
import { staffPageTitle } from "@/lib/server/page-titles";
import { getStaffBusiness } from "@/lib/server/staff/get-staff-business";

export async function generateMetadata(): Promise<Metadata> {
  return { title: await staffPageTitle("Completion preview"), robots: { index: false, follow: false } };
}

/** `?state=` names one of the preview's states, `?locale=` one of the guest's languages; anything else shows the first. */
const PreviewQuerySchema = z.object({
  state: z
    .enum(PREVIEW_STATES.map((preview) => preview.kind))
    .optional()
    .catch(undefined),
  locale: z.enum(LOCALES).catch(DEFAULT_LOCALE),
});

export default async function StaffPreviewPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const staff = await requireStaffPage();
  const business = await getStaffBusiness(staff);
  const { state, locale } = PreviewQuerySchema.parse(await searchParams);
  const current = PREVIEW_STATES.find((preview) => preview.kind === state) ?? PREVIEW_STATES[0]!;
  const address = (query: { state: string; locale: string }) => `/staff/preview?${new URLSearchParams(query)}`;

  return (
    <StaffFrame email={staff.email} businessName={business.name} current="/staff/preview">
      <div className={styles.previewLayout}>
        <nav aria-label="Completion page states">
          <p className={styles.stateHeading}>States of the completion page</p>
          <ul className={styles.stateList}>
            {PREVIEW_STATES.map((preview) => (
              <li key={preview.kind}>
                <Link
                  href={address({ state: preview.kind, locale })}
                  aria-current={preview.kind === current.kind ? "page" : undefined}
                >
                  {preview.label}
                </Link>
              </li>
            ))}
          </ul>
          <p className={styles.stateHeading}>In the guest&apos;s language</p>
          <ul className={styles.stateList}>
            {LOCALES.map((option) => (
              <li key={option}>
                <Link
                  href={address({ state: current.kind, locale: option })}
                  lang={option}
                  aria-current={option === locale ? "page" : undefined}
                >
                  {LOCALE_NAMES[option]}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div>
          <p className={styles.banner} role="note">
            Preview — nothing is saved. This is the guest&apos;s page in the “{current.label}” state, with sample data.
          </p>
          <div style={brandStyle(await getBrand(staff.businessId))} lang={locale}>
            <NextIntlClientProvider
              locale={locale}
              messages={pick(await messagesFor(locale), ["completion"])}
              timeZone="UTC"
            >
              <CompletionPreview key={current.kind} state={current.state} />
            </NextIntlClientProvider>
          </div>
        </div>
      </div>

      <PreviewTools demoCheckoutsEnabled={getConfig().demoCheckoutsEnabled} />
    </StaffFrame>
  );
}
