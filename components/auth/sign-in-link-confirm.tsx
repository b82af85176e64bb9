"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";

import { signInCustomer, type SignInProblem } from "@/components/auth/customer-sign-in";
import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";

/** What the page says about the link: it works (the button), or why not (and a new one). */
export type LinkView = "valid" | "used" | "expired" | "void" | "unknown";

const VIEW_OF: Partial<Record<SignInProblem, LinkView>> = {
  link_used: "used",
  link_expired: "expired",
  link_void: "void",
  link_unknown: "unknown",
};

/**
 * The page an e-mailed sign-in link opens. Opening it changes nothing (mail scanners open every link); only its one
 * button's POST uses the link and signs in. A link that no longer works says why and offers a new one, sent to the
 * address it was for.
 */
export function SignInLinkConfirm({
  token,
  maskedEmail,
  initial,
}: {
  token: string;
  maskedEmail: string;
  initial: LinkView;
}) {
  const t = useTranslations("portal.signInLink");
  const router = useRouter();
  const [view, setView] = useState<LinkView>(initial);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<"noAccess" | "rateLimited" | "failed" | "resent" | null>(null);

  async function signInNow() {
    setBusy(true);
    setNotice(null);
    const refused = await signInCustomer({ token });
    setBusy(false);
    if (!refused) {
      router.replace("/portal");
      router.refresh();
      return;
    }
    const next = VIEW_OF[refused];
    if (next) setView(next);
    else setNotice(refused === "no_access" ? "noAccess" : refused === "rate_limited" ? "rateLimited" : "failed");
  }

  async function resend() {
    setBusy(true);
    setNotice(null);
    const response = await fetch(endpoints.portal.requestSignIn().url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ resendFor: token }),
    }).catch(() => null);
    setBusy(false);
    setNotice(response?.ok ? "resent" : "failed");
  }

  const email = <strong>{maskedEmail}</strong>;
  return (
    <div className={styles.form}>
      {view === "valid" ? (
        <>
          <div className={styles.text}>
            <p>{t.rich("who", { email: maskedEmail, strong: (chunks) => <strong>{chunks}</strong> })}</p>
            <p>{t("explain")}</p>
          </div>
          <button className={styles.button} type="button" onClick={signInNow} disabled={busy}>
            {busy ? t("signingIn") : t("button")}
          </button>
        </>
      ) : (
        <>
          {view === "unknown" ? (
            <div className={styles.text}>
              <h2>{t(`${view}Title`)}</h2>
              <p>{t("unknown")}</p>
              <p>
                <Link href="/portal/sign-in">{t("askAgain")}</Link>
              </p>
            </div>
          ) : (
            <>
              <div className={styles.text}>
                <h2>{t(`${view}Title`)}</h2>
                <p>{t.rich(view, { email: maskedEmail, strong: () => email })}</p>
              </div>
              {notice !== "resent" && (
                <button className={styles.button} type="button" onClick={resend} disabled={busy}>
                  {busy ? t("resending") : t("resend")}
                </button>
              )}
            </>
          )}
        </>
      )}
      {notice && (
        <p
          className={notice === "resent" ? styles.notice : styles.error}
          role={notice === "resent" ? "status" : "alert"}
        >
          {notice === "resent" ? t("resent", { email: maskedEmail }) : t(notice)}
        </p>
      )}
    </div>
  );
}
