"use client";

import Link from "next/link";
import { useLocale, useTranslations } from "next-intl";
import { useEffect, useRef, useState, type ReactNode } from "react";

import { formatDate, formatMoney, formatTaxRate } from "@/lib/format";
import { displayLocale } from "@/lib/i18n/locales";
import { paymentMethodLabel } from "@/lib/payment-method";
import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

import type { CompletionState, RememberedPurchase } from "./completion-state";
import styles from "./completion-view.module.css";

/** The date of a purchase as the guest reads it: in the business's time zone, written the guest's way. */
function usePurchaseDate(): (instant: string, timeZone: string, businessLocale: string) => string {
  const pageLocale = useLocale();
  return (instant, timeZone, businessLocale) =>
    formatDate(instant, timeZone, displayLocale(pageLocale, businessLocale));
}

/**
 * The receipt, as complete as the e-mailed one and the invoice PDF (which show the same figures): the invoice, its
 * date and the card it was paid with; each line with its quantity and unit price; the subtotal, the tax by rate
 * under its name ("VAT 20%") and the total.
 */
function Receipt({ summary }: { summary: InvoiceSummary }) {
  const t = useTranslations("completion.receipt");
  const locale = displayLocale(useLocale(), summary.locale);
  const date = usePurchaseDate();
  const money = (minor: number) => formatMoney(minor, summary.currency, locale);
  const taxes = summary.taxes.length > 0 ? summary.taxes : null;
  return (
    <section className={styles.receipt} aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" className={styles.receiptHeading}>
        {t("heading")}
      </h2>
      <dl className={styles.facts}>
        <div>
          <dt>{t("invoice")}</dt>
          <dd className={styles.nowrap}>{summary.invoiceNumber}</dd>
        </div>
        <div>
          <dt>{t("date")}</dt>
          <dd>{date(summary.paidAt ?? summary.issuedAt, summary.timeZone, summary.locale)}</dd>
        </div>
        {summary.paymentCard && (
          <div>
            <dt>{t("paidWith")}</dt>
            <dd className={styles.nowrap}>{paymentMethodLabel(summary.paymentCard, t("card"))}</dd>
          </div>
        )}
        <div>
          <dt>{t("from")}</dt>
          <dd>{summary.businessName}</dd>
        </div>
      </dl>
      <table className={styles.lines}>
        <caption className="visually-hidden">{t("caption")}</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">{t("item")}</th>
            <th scope="col">{t("amount")}</th>
          </tr>
        </thead>
        <tbody>
          {summary.lines.map((line, index) => (
            <tr key={index}>
              <td>
                <span className={styles.description}>{line.description}</span>
                <span className={styles.quantity}>
                  {line.quantity}&nbsp;×&nbsp;{money(line.unitPriceMinor)}
                </span>
              </td>
              <td className={styles.amount}>{money(line.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t("subtotal")}</th>
            <td className={styles.amount}>{money(summary.subtotalMinor)}</td>
          </tr>
          {taxes ? (
            taxes.map((tax) => (
              <tr key={tax.rateBp}>
                <th scope="row">{t("taxAt", { rate: formatTaxRate(tax.rateBp, locale) })}</th>
                <td className={styles.amount}>{money(tax.taxMinor)}</td>
              </tr>
            ))
          ) : (
            <tr>
              <th scope="row">{t("tax")}</th>
              <td className={styles.amount}>{money(summary.taxMinor)}</td>
            </tr>
          )}
          <tr className={styles.total}>
            <th scope="row">{t("totalPaid")}</th>
            <td className={styles.amount}>{money(summary.totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

/** Which purchase a link or address was for, when this browser remembers it: its invoice number and date. */
function PurchaseFacts({ purchase }: { purchase: RememberedPurchase | null }) {
  const t = useTranslations("completion.receipt");
  const date = usePurchaseDate();
  if (!purchase) return null;
  return (
    <dl className={`${styles.facts} ${styles.purchase}`}>
      <div>
        <dt>{t("invoice")}</dt>
        <dd className={styles.nowrap}>{purchase.invoiceNumber}</dd>
      </div>
      <div>
        <dt>{t("date")}</dt>
        <dd>{date(purchase.paidAt, purchase.timeZone, purchase.locale)}</dd>
      </div>
    </dl>
  );
}

/** "N seconds", counting down to zero once a second (not announced: the state's own announcement is). */
function Countdown({ from }: { from: number }) {
  const t = useTranslations("completion");
  const [left, setLeft] = useState(from);
  useEffect(() => {
    const timer = setInterval(() => setLeft((seconds) => Math.max(0, seconds - 1)), 1000);
    return () => clearInterval(timer);
  }, []);
  return <>{t("seconds", { count: left })}</>;
}

function Actions({ children }: { children: ReactNode }) {
  return <div className={styles.actions}>{children}</div>;
}

type StateOf<K extends CompletionState["kind"]> = Extract<CompletionState, { kind: K }>;

function SignInLink() {
  const t = useTranslations("completion");
  return (
    <Link className={styles.primary} href="/portal/sign-in">
      {t("signIn")}
    </Link>
  );
}

/** The receipt's outline while it is fetched, so the card has the shape it will take (read out: only the lead). */
function Loading() {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t("loading.lead")}</p>
      <div className={styles.skeleton} aria-hidden="true">
        <div className={styles.skeletonFacts}>
          <div className={styles.barShort} />
          <div className={styles.barShort} />
        </div>
        <div className={styles.bar} />
        <div className={styles.bar} />
        <div className={styles.barHalf} />
      </div>
    </>
  );
}

function Success({ state }: { state: StateOf<"success"> }) {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>
        {state.summary ? t("success.leadNamed", { name: state.summary.customerName }) : t("success.lead")}
      </p>
      {state.summary ? <Receipt summary={state.summary} /> : <p className={styles.note}>{t("success.noReceipt")}</p>}
      <Actions>
        {state.pdfUrl ? (
          <a className={styles.primary} href={state.pdfUrl} download>
            {t("success.download")}
          </a>
        ) : (
          <span className={styles.primary} aria-disabled="true" title={t("success.noDownloadInPreview")}>
            {t("success.download")}
          </span>
        )}
      </Actions>
      <section className={styles.next} aria-labelledby="next-heading">
        <h2 id="next-heading" className={styles.receiptHeading}>
          {t("success.nextHeading")}
        </h2>
        <p>
          {state.summary
            ? t.rich("success.mailingTo", {
                email: state.summary.customerEmail,
                strong: (chunks) => <strong>{chunks}</strong>,
              })
            : t("success.mailingToCheckoutAddress")}{" "}
          {t("success.account")}
        </p>
        <Actions>
          <Link className={styles.secondary} href="/portal/sign-in">
            {t("success.goToAccount")}
          </Link>
          <Link className={styles.secondary} href="/checkout">
            {t("success.bookAgain")}
          </Link>
        </Actions>
      </section>
    </>
  );
}

/**
 * The link was used or has expired, or the page's address holds no link (another browser): the account it made (or
 * the guest's own) is where the invoice is, and the purchase is named when this browser remembers it.
 */
function LinkEnded({ state }: { state: StateOf<"used" | "expired" | "receipt_emailed"> }) {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t(`${state.kind}.lead`)}</p>
      <PurchaseFacts purchase={state.purchase} />
      <p>{t(`${state.kind}.body`)}</p>
      <Actions>
        <SignInLink />
      </Actions>
    </>
  );
}

function NotFound() {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t("not_found.lead")}</p>
      <p>{t("not_found.body")}</p>
      <Actions>
        <SignInLink />
        <Link className={styles.secondary} href="/checkout">
          {t("not_found.back")}
        </Link>
      </Actions>
    </>
  );
}

function Pending({ state, onRetry }: { state: StateOf<"pending">; onRetry: () => void }) {
  const t = useTranslations("completion");
  const { retryInSeconds } = state;
  return (
    <>
      <div className={styles.pendingLead}>
        {/* Indeterminate: the bank says when. It turns, or under prefers-reduced-motion only fades. */}
        <span className={styles.spinner} role="progressbar" aria-labelledby="pending-lead" />
        <p id="pending-lead" className={styles.lead}>
          {t("pending.lead")}
        </p>
      </div>
      {retryInSeconds !== null ? (
        // Keyed by the attempt, so its countdown starts again from each retry's wait (t.rich gives the chunk a key
        // of its own, so a key on the Countdown itself would not restart it).
        <p className={styles.note} key={`${state.attempt ?? 0}:${retryInSeconds}`}>
          {t.rich("pending.countdown", {
            countdown: () => <Countdown from={retryInSeconds} />,
          })}
        </p>
      ) : (
        <>
          <p>{t("pending.slow")}</p>
          <Actions>
            <button className={styles.primary} type="button" onClick={onRetry}>
              {t("pending.check")}
            </button>
          </Actions>
        </>
      )}
    </>
  );
}

function Declined() {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t("declined.lead")}</p>
      <p>{t("declined.body")}</p>
      <Actions>
        <Link className={styles.primary} href="/checkout">
          {t("declined.back")}
        </Link>
      </Actions>
    </>
  );
}

/** The request did not get an answer, or was refused for now: the guest retries (after the wait, if one was said). */
function TryAgain({ state, onRetry }: { state: StateOf<"network_error" | "rate_limited">; onRetry: () => void }) {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t(`${state.kind}.lead`)}</p>
      <p key={state.kind === "rate_limited" ? state.retryAfterSeconds : undefined}>
        {state.kind === "rate_limited"
          ? t.rich("rate_limited.body", {
              countdown: () => <Countdown from={state.retryAfterSeconds} />,
            })
          : t("network_error.body")}
      </p>
      <Actions>
        <button className={styles.primary} type="button" onClick={onRetry}>
          {t(`${state.kind}.retry`)}
        </button>
      </Actions>
    </>
  );
}

function MissingParameters() {
  const t = useTranslations("completion");
  return (
    <>
      <p className={styles.lead}>{t("missing_parameters.lead")}</p>
      <p>{t("missing_parameters.body")}</p>
      <Actions>
        <Link className={styles.primary} href="/checkout">
          {t("missing_parameters.shop")}
        </Link>
        <Link className={styles.secondary} href="/portal/sign-in">
          {t("signIn")}
        </Link>
      </Actions>
    </>
  );
}

/** The content of one state, below its heading. */
function Body({ state, onRetry }: { state: CompletionState; onRetry: () => void }) {
  switch (state.kind) {
    case "loading":
      return <Loading />;
    case "success":
      return <Success state={state} />;
    case "used":
    case "expired":
    case "receipt_emailed":
      return <LinkEnded state={state} />;
    case "not_found":
      return <NotFound />;
    case "pending":
      return <Pending state={state} onRetry={onRetry} />;
    case "declined":
      return <Declined />;
    case "network_error":
    case "rate_limited":
      return <TryAgain state={state} onRetry={onRetry} />;
    case "missing_parameters":
      return <MissingParameters />;
  }
}

/**
 * The completion page's content for one state, in the page's language. Focus moves to the heading whenever a
 * result arrives, and the status is announced in a live region.
 */
export function CompletionView({ state, onRetry }: { state: CompletionState; onRetry: () => void }) {
  const t = useTranslations("completion");
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (state.kind !== "loading") heading.current?.focus();
  }, [state.kind]);

  return (
    <section
      className={styles.card}
      aria-labelledby="completion-heading"
      aria-busy={state.kind === "loading"}
      data-state={state.kind}
    >
      <p className="visually-hidden" role="status" aria-live="polite">
        {t(`${state.kind}.announcement`)}
      </p>
      <h1 id="completion-heading" ref={heading} tabIndex={-1} className={styles.heading}>
        {t(`${state.kind}.heading`)}
      </h1>
      <Body state={state} onRetry={onRetry} />
    </section>
  );
}
