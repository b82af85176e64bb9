"use client";

import Link from "next/link";
import { useEffect, useRef, useState, type ReactNode } from "react";

import { formatDate, formatMoney } from "@/lib/format";
import type { InvoiceSummary } from "@/lib/validation/invoice-summary";

import type { CompletionState } from "./completion-state";
import styles from "./completion-view.module.css";

interface Copy {
  heading: string;
  /** What a screen reader hears when the state arrives. */
  announcement: string;
}

function copyOf(state: CompletionState): Copy {
  switch (state.kind) {
    case "loading":
      return { heading: "Finishing your purchase…", announcement: "Finishing your purchase." };
    case "success":
      return { heading: "Thank you — you’re all set", announcement: "Payment received. Your account is ready." };
    case "used":
      return { heading: "This purchase is already complete", announcement: "This checkout link was already used." };
    case "expired":
      return { heading: "This link has expired", announcement: "This checkout link has expired." };
    case "not_found":
      return { heading: "We couldn’t find this purchase", announcement: "This checkout link does not match a purchase." };
    case "pending":
      return { heading: "Confirming your payment…", announcement: "Your payment is still being confirmed." };
    case "declined":
      return { heading: "Your payment didn’t go through", announcement: "The payment was declined. No money was taken." };
    case "network_error":
      return { heading: "We couldn’t finish just now", announcement: "Something went wrong on the way. You can try again." };
    case "rate_limited":
      return { heading: "Please wait a moment", announcement: "Too many attempts. Please wait before trying again." };
    case "missing_parameters":
      return { heading: "This page needs your checkout link", announcement: "The checkout link is incomplete." };
  }
}

function Receipt({ summary }: { summary: InvoiceSummary }) {
  const money = (minor: number) => formatMoney(minor, summary.currency, summary.locale);
  return (
    <section className={styles.receipt} aria-labelledby="receipt-heading">
      <h2 id="receipt-heading" className={styles.receiptHeading}>
        Receipt
      </h2>
      <dl className={styles.facts}>
        <div>
          <dt>Invoice</dt>
          <dd className={styles.nowrap}>{summary.invoiceNumber}</dd>
        </div>
        <div>
          <dt>Date</dt>
          <dd>{formatDate(summary.paidAt ?? summary.issuedAt, summary.timeZone, summary.locale)}</dd>
        </div>
        <div>
          <dt>From</dt>
          <dd>{summary.businessName}</dd>
        </div>
      </dl>
      <table className={styles.lines}>
        <caption className="visually-hidden">What you bought</caption>
        <thead className="visually-hidden">
          <tr>
            <th scope="col">Item</th>
            <th scope="col">Amount</th>
          </tr>
        </thead>
        <tbody>
          {summary.lines.map((line, index) => (
            <tr key={index}>
              <td>
                {line.description}
                {line.quantity > 1 && <span className={styles.quantity}> ×&nbsp;{line.quantity}</span>}
              </td>
              <td className={styles.amount}>{money(line.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td>Tax</td>
            <td className={styles.amount}>{money(summary.taxMinor)}</td>
          </tr>
          <tr className={styles.total}>
            <th scope="row">Total paid</th>
            <td className={styles.amount}>{money(summary.totalMinor)}</td>
          </tr>
        </tfoot>
      </table>
    </section>
  );
}

/** "N seconds", counting down to zero once a second (not announced: the state's own announcement is). */
function Countdown({ from }: { from: number }) {
  const [left, setLeft] = useState(from);
  useEffect(() => {
    const timer = setInterval(() => setLeft((seconds) => Math.max(0, seconds - 1)), 1000);
    return () => clearInterval(timer);
  }, []);
  return <>{left === 1 ? "1 second" : `${left} seconds`}</>;
}

function Actions({ children }: { children: ReactNode }) {
  return <div className={styles.actions}>{children}</div>;
}

function Body({ state, onRetry }: { state: CompletionState; onRetry: () => void }) {
  const signIn = (
    <Link className={styles.primary} href="/portal/sign-in">
      Sign in to your account
    </Link>
  );
  switch (state.kind) {
    case "loading":
      return (
        <div className={styles.skeleton} aria-hidden="true">
          <p className={styles.lead}>Confirming your payment and setting up your account. This takes a moment.</p>
          <div className={styles.bar} />
          <div className={styles.bar} />
          <div className={styles.barShort} />
        </div>
      );
    case "success":
      return (
        <>
          <p className={styles.lead}>Your payment was received and your customer account is ready.</p>
          {state.summary ? (
            <Receipt summary={state.summary} />
          ) : (
            <p className={styles.note}>Your receipt could not be shown just now; the invoice below has every detail.</p>
          )}
          <Actions>
            {state.pdfUrl ? (
              <a className={styles.primary} href={state.pdfUrl} download>
                Download invoice (PDF)
              </a>
            ) : (
              <span className={styles.primary} aria-disabled="true" title="The preview has no invoice to download">
                Download invoice (PDF)
              </span>
            )}
          </Actions>
          <section className={styles.next} aria-labelledby="next-heading">
            <h2 id="next-heading" className={styles.receiptHeading}>
              What’s next
            </h2>
            <p>
              {state.summary ? (
                <>
                  We’re e-mailing your receipt and invoice to <strong>{state.summary.customerEmailMasked}</strong>.{" "}
                </>
              ) : (
                "We’re e-mailing your receipt and invoice to the address you gave at checkout. "
              )}
              Your invoices stay in your account: sign in with that address whenever you need them, no password needed.
            </p>
            <Actions>
              <Link className={styles.secondary} href="/portal/sign-in">
                Go to your account
              </Link>
              <Link className={styles.secondary} href="/checkout">
                Book something else
              </Link>
            </Actions>
          </section>
        </>
      );
    case "used":
      return (
        <>
          <p className={styles.lead}>Your payment was received, and your account was set up when this link was first opened.</p>
          <p>To see your invoice, sign in with the e-mail address you used at checkout. We also sent you an e-mail about it.</p>
          <Actions>{signIn}</Actions>
        </>
      );
    case "expired":
      return (
        <>
          <p className={styles.lead}>This page’s link works for a limited time only, and that time is over.</p>
          <p>Nothing about your payment has changed. If it went through, sign in with the e-mail address you used at checkout to find your invoice.</p>
          <Actions>{signIn}</Actions>
        </>
      );
    case "not_found":
      return (
        <>
          <p className={styles.lead}>This link does not match a purchase. It may have been cut short when it was copied.</p>
          <p>
            If you copied it, copy the whole address again. If you have just paid, your payment is safe, and once your purchase is
            registered its invoice is in your account.
          </p>
          <Actions>
            {signIn}
            <Link className={styles.secondary} href="/checkout">
              Back to the shop
            </Link>
          </Actions>
        </>
      );
    case "pending":
      return (
        <>
          <p className={styles.lead}>Your bank is still confirming the payment. This usually takes a few seconds.</p>
          {state.retryInSeconds !== null ? (
            <p className={styles.note}>
              This page checks again by itself in <Countdown key={state.retryInSeconds} from={state.retryInSeconds} />.
            </p>
          ) : (
            <>
              <p>This is taking longer than usual. There is nothing more you need to do; you will not be charged twice.</p>
              <Actions>
                <button className={styles.primary} type="button" onClick={onRetry}>
                  Check again
                </button>
              </Actions>
            </>
          )}
        </>
      );
    case "declined":
      return (
        <>
          <p className={styles.lead}>Your card was declined, so no money was taken and this order is not complete.</p>
          <p>Go back to checkout and pay with another card, or ask your bank why the payment was refused.</p>
          <Actions>
            <Link className={styles.primary} href="/checkout">
              Back to checkout
            </Link>
          </Actions>
        </>
      );
    case "network_error":
      return (
        <>
          <p className={styles.lead}>The connection dropped or our server had a problem, so your account is not set up yet.</p>
          <p>Check your connection and try again. Trying again never charges you.</p>
          <Actions>
            <button className={styles.primary} type="button" onClick={onRetry}>
              Try again
            </button>
          </Actions>
        </>
      );
    case "rate_limited":
      return (
        <>
          <p className={styles.lead}>There were too many attempts from your connection just now.</p>
          <p>
            Please wait <Countdown key={state.retryAfterSeconds} from={state.retryAfterSeconds} />, then try again. Trying again never charges
            you.
          </p>
          <Actions>
            <button className={styles.primary} type="button" onClick={onRetry}>
              Try again
            </button>
          </Actions>
        </>
      );
    case "missing_parameters":
      return (
        <>
          <p className={styles.lead}>The address of this page is incomplete, so we cannot tell which purchase it is for.</p>
          <p>
            If you copied it, copy the whole address again. Opening this page never charges you, and the invoices of purchases you
            completed are in your account.
          </p>
          <Actions>
            <Link className={styles.primary} href="/checkout">
              Go to the shop
            </Link>
            <Link className={styles.secondary} href="/portal/sign-in">
              Sign in to your account
            </Link>
          </Actions>
        </>
      );
  }
}

/**
 * The completion page's content for one state. Focus moves to the heading whenever a result arrives, and
 * the status is announced in a live region.
 */
export function CompletionView({ state, onRetry }: { state: CompletionState; onRetry: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const copy = copyOf(state);

  useEffect(() => {
    if (state.kind !== "loading") heading.current?.focus();
  }, [state.kind]);

  return (
    <section className={styles.card} aria-labelledby="completion-heading" aria-busy={state.kind === "loading"} data-state={state.kind}>
      <p className="visually-hidden" role="status" aria-live="polite">
        {copy.announcement}
      </p>
      <h1 id="completion-heading" ref={heading} tabIndex={-1} className={styles.heading}>
        {copy.heading}
      </h1>
      <Body state={state} onRetry={onRetry} />
    </section>
  );
}
