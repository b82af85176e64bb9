"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";

export function StaffSignInForm() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSigningIn(true);
    setError(null);
    const result = await signIn("staff", { email: form.get("email"), password: form.get("password"), redirect: false });
    setSigningIn(false);
    if (!result || result.error) {
      setError("That e-mail and password do not match a staff account. After ten wrong tries, wait fifteen minutes.");
      return;
    }
    router.replace("/staff");
    router.refresh();
  }

  return (
    <form className={styles.form} onSubmit={submit}>
      {error && (
        <p className={styles.error} role="alert">
          {error}
        </p>
      )}
      <div className={styles.field}>
        <label className={styles.label} htmlFor="email">
          E-mail address
        </label>
        <input className={styles.input} id="email" name="email" type="email" autoComplete="username" required />
      </div>
      <div className={styles.field}>
        <label className={styles.label} htmlFor="password">
          Password
        </label>
        <input
          className={styles.input}
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
      </div>
      <button className={styles.button} type="submit" disabled={signingIn}>
        {signingIn ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
