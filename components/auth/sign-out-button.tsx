"use client";

import { signOut } from "next-auth/react";

import styles from "@/components/ui/form.module.css";

/** Signs out and goes to `callbackUrl`; `label` is in the page's language ("Sign out" on the staff pages). */
export function SignOutButton({ callbackUrl, label = "Sign out" }: { callbackUrl: string; label?: string }) {
  return (
    <button
      className={`${styles.button} ${styles.secondary}`}
      type="button"
      onClick={() => void signOut({ callbackUrl })}
    >
      {label}
    </button>
  );
}
