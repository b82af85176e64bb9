import Link from "next/link";
import type { ReactNode } from "react";

import { SignOutButton } from "@/components/auth/sign-out-button";

import styles from "./staff.module.css";

const SECTIONS = [
  { href: "/staff", label: "Guest checkouts" },
  { href: "/staff/outbox", label: "Mail outbox" },
  { href: "/staff/preview", label: "Completion preview" },
] as const;

/** The staff area's frame: who is signed in, the sections, sign-out. */
export function StaffFrame({
  email,
  businessName,
  current,
  children,
}: {
  email: string;
  businessName: string;
  current: string;
  children: ReactNode;
}) {
  return (
    <div className={styles.frame}>
      <header className={styles.header}>
        <p className={styles.brand}>
          {businessName} <span className={styles.badge}>Staff</span>
        </p>
        <nav aria-label="Staff sections">
          <ul className={styles.nav}>
            {SECTIONS.map((section) => (
              <li key={section.href}>
                <Link href={section.href} aria-current={section.href === current ? "page" : undefined}>
                  {section.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className={styles.account}>
          <span>{email}</span>
          <SignOutButton callbackUrl="/staff/sign-in" />
        </div>
      </header>
      <main className={styles.main}>{children}</main>
    </div>
  );
}
