"use client";

import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";

type Created = ReturnType<typeof endpoints.staff.createDemoCheckout>["type"];
export type CreatedDemoCheckout = Created & { basketSession: string };
type Kind = Created["kind"];

const VARIANTS = [
  { value: "paid", label: "Paid" },
  { value: "unpaid", label: "Payment pending" },
  { value: "declined", label: "Payment declined" },
  { value: "expired", label: "Expired link" },
] as const;

const utc = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** What opening the completion page of each kind of demo checkout does, and what becomes of the checkout. */
function whatItDoes(created: CreatedDemoCheckout): { opening: string; after: string | null } {
  const kinds: Record<Kind, { opening: string; after: string | null }> = {
    paid: { opening: "(this registers the demo guest, as a real visit would).", after: null },
    unpaid: {
      opening: "it shows the payment as pending and keeps checking; it registers nobody.",
      after: `No charge will confirm it: when the server checks the payment with the provider${created.settlesAt ? ` (at about ${utc.format(new Date(created.settlesAt))} UTC)` : ""}, the provider has none, and the checkout is declined.`,
    },
    declined: {
      opening: "it says the payment didn’t go through and leads back to checkout; it registers nobody.",
      after: null,
    },
    expired: {
      opening: "it says the link has expired; it registers nobody.",
      after:
        "The order was paid, so the server registers the demo guest itself shortly, as it does every paid checkout no page registered in time.",
    },
  };
  return kinds[created.kind];
}

/**
 * Creates a demo guest checkout (the code of `npm run demo:checkout`), offers to open it, and hands it to
 * `onCreated` (the preview page fills its dry-run form with it).
 */
export function DemoCheckoutForm({ onCreated }: { onCreated: (created: CreatedDemoCheckout) => void }) {
  const [created, setCreated] = useState<CreatedDemoCheckout | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return; // the button stays focusable while busy (a disabled one would drop keyboard focus)
    const form = new FormData(event.currentTarget);
    const variant = String(form.get("variant"));
    setBusy(true);
    setError(null);
    try {
      const endpoint = endpoints.staff.createDemoCheckout();
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, {
        unpaid: variant === "unpaid",
        declined: variant === "declined",
        expired: variant === "expired",
      });
      const basketSession = new URLSearchParams(data.completionPath.split("?")[1]).get("basketSession") ?? "";
      const demo = { ...data, basketSession };
      setCreated(demo);
      onCreated(demo);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The server could not be reached. Try again.");
    }
    setBusy(false);
  }

  const effect = created && whatItDoes(created);
  return (
    <div>
      <form className={styles.form} onSubmit={submit}>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={styles.label}>Kind of checkout</legend>
          {VARIANTS.map((variant, index) => (
            <label key={variant.value} style={{ marginRight: "1rem", whiteSpace: "nowrap" }}>
              <input type="radio" name="variant" value={variant.value} defaultChecked={index === 0} /> {variant.label}
            </label>
          ))}
        </fieldset>
        <button className={styles.button} type="submit" aria-disabled={busy}>
          {busy ? "Creating…" : "Create a demo checkout"}
        </button>
        {error && (
          <p className={styles.error} role="alert">
            {error}
          </p>
        )}
      </form>
      {created && effect && (
        <div role="status" className={styles.notice} style={{ marginTop: "1rem" }} data-kind={created.kind}>
          <p style={{ marginTop: 0 }}>
            Demo checkout created: invoice id {created.invoiceId}, basket session <code>{created.basketSession}</code>.
            The dry-run form above now holds it.
          </p>
          <p style={{ marginBottom: 0 }}>
            <a href={created.completionPath} target="_blank" rel="noreferrer">
              Open its completion page
            </a>
            {created.kind === "paid" ? " " : ": "}
            {effect.opening}
            {effect.after ? ` ${effect.after}` : ""}
          </p>
        </div>
      )}
    </div>
  );
}
