import type { ReactNode } from "react";

import styles from "./page-shell.module.css";

/** The frame every page sits in: a centred card under the business's name. */
export function PageShell({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className={styles.main}>
      <p className={styles.brand}>Hive &amp; Desk Coworking</p>
      <section className={styles.card} aria-labelledby="page-title">
        <h1 id="page-title" className={styles.title}>
          {title}
        </h1>
        {children}
      </section>
    </main>
  );
}
