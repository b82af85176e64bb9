"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { GuestDetailsSchema } from "@/lib/validation/guest";

const EmailSchema = GuestDetailsSchema.shape.email;

/** Asks for a one-time sign-in link; the answer is the same whether or not the address has an account. */
export function CustomerSignInForm({ initialEmail, linkProblem }: { initialEmail: string; linkProblem: string | null }) {
  const t = useTranslations("portal.signIn");
  const router = useRouter();
  const [email, setEmail] = useState(initialEmail);
  // The message's key, not its words: a guest who switches language afterwards reads it in the new one.
  const [error, setError] = useState<"invalidEmail" | "sendFailed" | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = EmailSchema.safeParse(email);
    if (!parsed.success) {
      setError("invalidEmail");
      return;
    }
    setError(null);
    setSending(true);
    const result = await signIn("email", { email: parsed.data, callbackUrl: "/portal", redirect: false });
    setSending(false);
    if (!result || result.error) {
      setError("sendFailed");
      return;
    }
    router.push("/portal/check-email");
  }

  return (
    <form className={styles.form} onSubmit={submit} noValidate>
      {linkProblem && (
        <p className={styles.notice} role="alert">
          {linkProblem}
        </p>
      )}
      <div className={styles.field}>
        <label className={styles.label} htmlFor="email">
          {t("email")}
        </label>
        <input
          className={styles.input}
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "email-error" : "email-hint"}
          required
        />
        {error ? (
          <p className={styles.error} id="email-error">
            {t(error)}
          </p>
        ) : (
          <p className={styles.hint} id="email-hint">
            {t("emailHint")}
          </p>
        )}
      </div>
      <button className={styles.button} type="submit" disabled={sending}>
        {sending ? t("sending") : t("send")}
      </button>
    </form>
  );
}
