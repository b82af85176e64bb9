"use client";

import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";

import { DryRunForm } from "./dry-run-form";

type Created = { invoiceId: number; completionPath: string };

/** Creates a demo guest checkout (the code of `npm run demo:checkout`) and offers to open or dry-run it. */
export function DemoCheckoutForm() {
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const variant = String(form.get("variant"));
    setBusy(true);
    setError(null);
    try {
      const endpoint = endpoints.staff.createDemoCheckout();
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, { unpaid: variant === "unpaid", expired: variant === "expired" });
      setCreated(data);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : "The server could not be reached. Try again.");
    }
    setBusy(false);
  }

  const basketSession = created ? (new URLSearchParams(created.completionPath.split("?")[1]).get("basketSession") ?? "") : "";

  return (
    <div>
      <form className={styles.form} onSubmit={submit}>
        <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
          <legend className={styles.label}>Kind of checkout</legend>
          <label>
            <input type="radio" name="variant" value="paid" defaultChecked /> Paid
          </label>{" "}
          <label>
            <input type="radio" name="variant" value="unpaid" /> Payment pending
          </label>{" "}
          <label>
            <input type="radio" name="variant" value="expired" /> Expired link
          </label>
        </fieldset>
        <button className={styles.button} type="submit" disabled={busy}>
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
            Demo checkout created: invoice id {created.invoiceId}, basket session <code>{basketSession}</code>.
          </p>
          <p>
            <a href={created.completionPath} target="_blank" rel="noreferrer">
              Open its completion page
            </a>{" "}
            (this registers the demo guest, as a real visit would).
          </p>
          <DryRunForm key={created.invoiceId} initial={{ invoiceId: String(created.invoiceId), basketSession }} />
        </div>
      )}
    </div>
  );
}
