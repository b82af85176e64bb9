import type { InputHTMLAttributes, ReactNode } from "react";

import styles from "@/components/ui/form.module.css";

/**
 * A labelled input with its error below it, or else its hint, either named by the input's `aria-describedby`; an
 * error makes the input `aria-invalid`. `alert` announces the error as it appears.
 */
export function TextField({
  id,
  label,
  error,
  hint,
  alert = false,
  ...input
}: { id: string; label: ReactNode; error?: ReactNode; hint?: ReactNode; alert?: boolean } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "id" | "className"
>) {
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined;
  return (
    <div className={styles.field}>
      <label className={styles.label} htmlFor={id}>
        {label}
      </label>
      <input
        className={styles.input}
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        {...input}
      />
      {error ? (
        <p className={styles.error} id={`${id}-error`} role={alert ? "alert" : undefined}>
          {error}
        </p>
      ) : hint ? (
        <p className={styles.hint} id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}
