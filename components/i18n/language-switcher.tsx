"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useState, useTransition } from "react";

import { LOCALE_COOKIE, LOCALE_COOKIE_MAX_AGE_SECONDS, LOCALE_NAMES, LOCALES, type Locale } from "@/lib/i18n/locales";

import styles from "./language-switcher.module.css";

/** Remembers the choice for a year on this whole site; sent with every request from now on. */
function rememberLocale(locale: Locale): void {
  const secure = window.location.protocol === "https:" ? "; secure" : "";
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=${LOCALE_COOKIE_MAX_AGE_SECONDS}; samesite=lax${secure}`;
}

/**
 * The guest's choice of language, remembered in a cookie for a year. The page is rendered again on the server in
 * the new language while what the guest has done here (a form half filled, a registration made) stays as it is.
 */
export function LanguageSwitcher() {
  const current = useLocale();
  const t = useTranslations("frame");
  const router = useRouter();
  const [switching, startTransition] = useTransition();
  const [switched, setSwitched] = useState(false);

  // The buttons stay enabled while the page re-renders (a disabled button would drop the keyboard focus), and a
  // second choice made meanwhile wins: the cookie says it, and the page is rendered again for it.
  function choose(locale: Locale) {
    if (locale === current && !switching) return;
    rememberLocale(locale);
    setSwitched(true);
    startTransition(() => router.refresh());
  }

  return (
    <nav className={styles.switcher} aria-label={t("language")} aria-busy={switching}>
      <ul className={styles.list}>
        {LOCALES.map((locale) => (
          <li key={locale}>
            <button
              type="button"
              className={styles.option}
              lang={locale}
              aria-current={locale === current ? "true" : undefined}
              onClick={() => choose(locale)}
            >
              {LOCALE_NAMES[locale]}
            </button>
          </li>
        ))}
      </ul>
      {/* Says in the new language that the page is now in it, once the guest has switched (not on arrival). */}
      <p className="visually-hidden" role="status">
        {switched && !switching ? t("switched") : ""}
      </p>
    </nav>
  );
}
