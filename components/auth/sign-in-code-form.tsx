"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState, type FormEvent } from "react";

import { signInCustomer, type SignInProblem } from "@/components/auth/customer-sign-in";
import styles from "@/components/ui/form.module.css";
import { TextField } from "@/components/ui/text-field";
import { GuestDetailsSchema } from "@/lib/validation/guest";

const EmailSchema = GuestDetailsSchema.shape.email;

type Problem = "invalidEmail" | "invalidCode" | "codeRefused" | "noAccess" | "rateLimited" | "failed";

const PROBLEM_OF: Record<SignInProblem, Problem> = {
  code_refused: "codeRefused",
  link_unknown: "failed",
  link_used: "codeRefused",
  link_expired: "codeRefused",
  link_void: "codeRefused",
  no_access: "noAccess",
  rate_limited: "rateLimited",
  failed: "failed",
};

/**
 * The code of a sign-in e-mail, typed on any browser: the address it went to and its six digits. Every refusal reads
 * the same (wrong, used up by five wrong tries, replaced or expired), so the form reveals nothing about an address.
 */
export function SignInCodeForm({ initialEmail }: { initialEmail: string }) {
  const t = useTranslations("portal.checkEmail");
  const router = useRouter();
  const [email, setEmail] = useState(initialEmail);
  const [code, setCode] = useState("");
  const [problem, setProblem] = useState<Problem | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const address = EmailSchema.safeParse(email);
    if (!address.success) return setProblem("invalidEmail");
    const digits = code.replace(/[\s-]/g, "");
    if (!/^\d{6}$/.test(digits)) return setProblem("invalidCode");
    setProblem(null);
    setSigningIn(true);
    const refused = await signInCustomer({ email: address.data, code: digits });
    setSigningIn(false);
    if (refused) {
      setProblem(PROBLEM_OF[refused]);
      if (refused === "code_refused") setCode("");
      return;
    }
    router.replace("/portal");
    router.refresh();
  }

  const emailProblem = problem === "invalidEmail";
  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-labelledby="code-heading">
      <div className={styles.text}>
        <h2 id="code-heading">{t("codeHeading")}</h2>
        <p>{t("codeIntro")}</p>
      </div>
      <TextField
        id="code-email"
        label={t("email")}
        error={emailProblem ? t("invalidEmail") : null}
        name="email"
        type="email"
        autoComplete="email"
        value={email}
        onChange={(event) => setEmail(event.target.value)}
        required
      />
      <TextField
        id="code"
        label={t("code")}
        error={problem !== null && !emailProblem ? t(problem) : null}
        hint={t("codeHint")}
        alert
        name="code"
        type="text"
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]*"
        maxLength={7}
        value={code}
        onChange={(event) => setCode(event.target.value)}
        required
      />
      <button className={styles.button} type="submit" disabled={signingIn}>
        {signingIn ? t("signingIn") : t("submit")}
      </button>
    </form>
  );
}
