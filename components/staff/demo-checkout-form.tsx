"use client";

import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";

export type CreatedDemoCheckout = { invoiceId: number; basketSession: string; completionPath: string };

const VARIANTS = [
  { value: "paid", label: "Paid" },
  { value: "unpaid", label: "Payment pending" },
  { value: "declined", label: "Payment declined" },
  { value: "expired", label: "Expired link" },
] as const;

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
      {created && (
        <div role="status" className={styles.notice} style={{ marginTop: "1rem" }}>
          <p style={{ marginTop: 0 }}>
            Demo checkout created: invoice id {created.invoiceId}, basket session <code>{created.basketSession}</code>.
            The dry-run form above now holds it.
          </p>
          <p>
            <a href={created.completionPath} target="_blank" rel="noreferrer">
              Open its completion page
            </a>{" "}
            (this registers the demo guest, as a real visit would).
          </p>
        </div>
      )}
    </div>
  );
}
