"use client";

import { signOut } from "next-auth/react";

import styles from "@/components/ui/form.module.css";

export function SignOutButton({ callbackUrl }: { callbackUrl: string }) {
  return (
    <button className={`${styles.button} ${styles.secondary}`} type="button" onClick={() => void signOut({ callbackUrl })}>
      Sign out
    </button>
  );
}
