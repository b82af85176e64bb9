import { getTranslations } from "next-intl/server";
import type { CSSProperties, ReactNode } from "react";

import { brandPalette } from "@/lib/brand";
import { getBrand, type Brand } from "@/lib/server/business-brands";

import styles from "./page-shell.module.css";

/** The brand's colours (the portal's own without one) as the CSS variables the pages use (globals.css): links and buttons, and the band. */
export function brandStyle(brand: Brand | null): CSSProperties {
  const palette = brand?.palette ?? brandPalette(null);
  return {
    "--color-accent": palette.accentText,
    "--color-brand": palette.accent,
    "--color-on-brand": palette.onAccent,
  } as CSSProperties;
}

/**
 * The frame of every guest page: the business's logo and name above the content, in its colours, and beside them
 * `aside` (the pages written in the guest's language put their language switcher there). The frame itself adds no
 * client code, so a page that has no switcher does not pay for one.
 */
export async function SiteFrame({ children, aside }: { children: ReactNode; aside?: ReactNode }) {
  const [brand, t] = await Promise.all([getBrand(), getTranslations("frame")]);
  return (
    <main className={styles.main} style={brandStyle(brand)}>
      <div className={styles.header}>
        <p className={styles.brand}>
          {/* A plain img: next/image would add its client code to every guest page, for a 40 px logo that needs none of it. */}
          {/* eslint-disable-next-line @next/next/no-img-element */}
          {brand?.logoPath && <img className={styles.logo} src={brand.logoPath} alt="" width={40} height={40} />}
          <span>{brand?.name ?? t("portalName")}</span>
        </p>
        {aside}
      </div>
      {children}
    </main>
  );
}

/** A page whose content sits in one card under its title. */
export function PageShell({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <SiteFrame aside={aside}>
      <section className={styles.card} aria-labelledby="page-title">
        <h1 id="page-title" className={styles.title}>
          {title}
        </h1>
        {children}
      </section>
    </SiteFrame>
  );
}
