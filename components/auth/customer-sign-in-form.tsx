"use client";

import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { GuestDetailsSchema } from "@/lib/validation/guest";

const EmailSchema = GuestDetailsSchema.shape.email;

/** Asks for a one-time sign-in link; the answer is the same whether or not the address has an account. */
export function CustomerSignInForm({ initialEmail, linkProblem }: { initialEmail: string; linkProblem: string | null }) {
  const router = useRouter();
  const [email, setEmail] = useState(initialEmail);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = EmailSchema.safeParse(email);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? "Enter a valid e-mail address");
      return;
    }
    setError(null);
    setSending(true);
    const result = await signIn("email", { email: parsed.data, callbackUrl: "/portal", redirect: false });
    setSending(false);
    if (!result || result.error) {
      setError("We could not send the link just now. Try again in a moment.");
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
          E-mail address
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
            {error}
          </p>
        ) : (
          <p className={styles.hint} id="email-hint">
            Use the address you gave at checkout.
          </p>
        )}
      </div>
      <button className={styles.button} type="submit" disabled={sending}>
        {sending ? "Sending…" : "E-mail me a sign-in link"}
      </button>
    </form>
  );
}
