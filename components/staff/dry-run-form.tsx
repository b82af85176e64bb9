"use client";

import { useState, type FormEvent } from "react";

import staffStyles from "@/components/staff/staff.module.css";
import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";
import type { RegistrationRefusal } from "@/lib/validation/registration";
import type { DryRunResponse } from "@/lib/validation/staff";

const REFUSALS: Record<RegistrationRefusal, string> = {
  basket_token_invalid: "No checkout of your business has this basket session (401 basket_token_invalid).",
  invoice_not_found: "The basket session did not produce this invoice (404 invoice_not_found).",
  basket_token_used: "Already registered: the guest would be told to sign in (401 basket_token_used).",
  basket_token_expired: "The link has expired (401 basket_token_expired).",
  payment_pending: "The payment is not complete yet; the page would keep retrying (409 payment_pending).",
  payment_declined:
    "The payment was declined: the guest would be sent back to checkout to pay again (402 payment_declined).",
};

const utc = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** What the server does if no completion page registers the checkout first. */
function byServer(serverRegistersAt: string | null): string {
  return serverRegistersAt
    ? ` If the guest's page has not registered it by ${utc.format(new Date(serverRegistersAt))} UTC, the server will, in the same way.`
    : "";
}

/** How an outcome is drawn: a pass (green), a refusal (red), the server's registration (blue), or no answer (grey). */
type Tone = "pass" | "refused" | "info" | "error";

const LEADS: Record<Tone, string> = {
  pass: "Would succeed.",
  refused: "Would be refused.",
  info: "Would hand out the invoice token.",
  error: "Could not check.",
};

type Result = { tone: Tone; text: string };

function describe(outcome: DryRunResponse): Result {
  switch (outcome.kind) {
    case "would_create_customer":
      return {
        tone: "pass",
        text: `All checks pass: registering would create a new customer and send the “account ready” e-mail.${byServer(outcome.serverRegistersAt)}`,
      };
    case "would_link_customer":
      return {
        tone: "pass",
        text: `All checks pass: registering would link the invoice to customer #${outcome.customerId} (${outcome.customerName}) and send the “purchase added” e-mail.${byServer(outcome.serverRegistersAt)}`,
      };
    case "would_hand_out_token":
      return {
        tone: "info",
        text: `Registered by the server at ${utc.format(new Date(outcome.registeredAt))} UTC (customer #${outcome.customerId}): the guest's link would get a token for the invoice, once, and nothing else would change.`,
      };
    case "refused":
      return { tone: "refused", text: REFUSALS[outcome.code] };
  }
}

/** Runs every check of registerByToken for a real basket session, consuming nothing. */
export function DryRunForm({ initial }: { initial?: { invoiceId: string; basketSession: string } }) {
  const [result, setResult] = useState<Result | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return; // the button stays focusable while busy (a disabled one would drop keyboard focus)
    const form = new FormData(event.currentTarget);
    setBusy(true);
    try {
      const endpoint = endpoints.staff.dryRun();
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, {
        invoiceId: String(form.get("invoiceId") ?? ""),
        basketSession: String(form.get("basketSession") ?? ""),
      });
      setResult(describe(data));
    } catch (error) {
      setResult({
        tone: "error",
        text: error instanceof ApiError ? error.message : "The server could not be reached. Try again.",
      });
    }
    setBusy(false);
  }

  return (
    <form className={styles.form} onSubmit={submit}>
      <div className={styles.field}>
        <label className={styles.label} htmlFor="dry-run-invoice">
          Invoice id
        </label>
        <input
          className={styles.input}
          id="dry-run-invoice"
          name="invoiceId"
          inputMode="numeric"
          defaultValue={initial?.invoiceId}
          required
        />
      </div>
      <div className={styles.field}>
        <label className={styles.label} htmlFor="dry-run-basket">
          Basket session (the GUID in the guest&apos;s link)
        </label>
        <input
          className={styles.input}
          id="dry-run-basket"
          name="basketSession"
          defaultValue={initial?.basketSession}
          required
        />
      </div>
      <button className={styles.button} type="submit" aria-disabled={busy}>
        {busy ? "Checking…" : "Dry-run the registration"}
      </button>
      <p
        role="status"
        aria-live="polite"
        className={result ? `${staffStyles.outcome} ${staffStyles[`outcome-${result.tone}`]}` : undefined}
        data-outcome={result?.tone}
        hidden={result === null}
      >
        {result && (
          <>
            <strong>{LEADS[result.tone]}</strong> {result.text}
          </>
        )}
      </p>
    </form>
  );
}
