import type { ReactNode } from "react";

import styles from "./page-shell.module.css";

/** The frame of every page: the business's name above the content. */
export function SiteFrame({ children }: { children: ReactNode }) {
  return (
    <main className={styles.main}>
      <p className={styles.brand}>Hive &amp; Desk Coworking</p>
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
