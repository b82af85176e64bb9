import type { CSSProperties, ReactNode } from "react";

import { brandPalette } from "@/lib/brand";
import { getBrand, type Brand } from "@/lib/server/brand";

import styles from "./page-shell.module.css";

/** The brand's colours (the portal's own without one) as the CSS variables the pages use (globals.css): links and buttons, and the band. */
export function brandStyle(brand: Brand | null): CSSProperties {
  const palette = brand?.palette ?? brandPalette(null);
  return { "--color-accent": palette.accentText, "--color-brand": palette.accent, "--color-on-brand": palette.onAccent } as CSSProperties;
}

/** The frame of every guest page: the business's logo and name above the content, in its colours. */
export async function SiteFrame({ children }: { children: ReactNode }) {
  const brand = await getBrand();
  return (
    <main className={styles.main} style={brandStyle(brand)}>
      <p className={styles.brand}>
        {/* A plain img: next/image would add its client code to every guest page, for a 40 px logo that needs none of it. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        {brand?.logoPath && <img className={styles.logo} src={brand.logoPath} alt="" width={40} height={40} />}
        <span>{brand?.name ?? "Billing portal"}</span>
      </p>
      {children}
    </main>
  );
}

/** A page whose content sits in one card under its title. */
export function PageShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <SiteFrame>
      <section className={styles.card} aria-labelledby="page-title">
        <h1 id="page-title" className={styles.title}>
          {title}
        </h1>
        {children}
      </section>
    </SiteFrame>
  );
}
