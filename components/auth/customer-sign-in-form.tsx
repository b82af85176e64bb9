"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { TextField } from "@/components/ui/text-field";
import { endpoints } from "@/lib/api/endpoints";
import { GuestDetailsSchema } from "@/lib/validation/guest";

const EmailSchema = GuestDetailsSchema.shape.email;

/** The page with the code field, for this address when there is one. */
function codePage(email: string): string {
  return email ? `/portal/check-email?${new URLSearchParams({ email })}` : "/portal/check-email";
}

/** Asks for a sign-in e-mail (a link and a code); the answer is the same whether or not the address has an account. */
export function CustomerSignInForm({
  initialEmail,
  linkProblem,
}: {
  initialEmail: string;
  linkProblem: string | null;
}) {
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
    const response = await fetch(endpoints.portal.requestSignIn().url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: parsed.data }),
    }).catch(() => null);
    setSending(false);
    if (!response?.ok) {
      setError("sendFailed");
      return;
    }
    router.push(codePage(parsed.data));
  }

  return (
    <form className={styles.form} onSubmit={submit} noValidate>
      {linkProblem && (
        <p className={styles.notice} role="alert">
          {linkProblem}
        </p>
      )}
      <TextField
        id="email"
        label={t("email")}
        error={error ? t(error) : null}
        hint={t("emailHint")}
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        required
      />
      <button className={styles.button} type="submit" disabled={sending}>
        {sending ? t("sending") : t("send")}
      </button>
      <p>
        <Link href={codePage(email)}>{t("haveCode")}</Link>
      </p>
    </form>
  );
}
