"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";
import { GuestDetailsSchema } from "@/lib/validation/guest";

const WHAT_HAPPENED = {
  created: "The invoice moved to a new customer with that address, who can sign in to the portal.",
  linked: "The invoice moved to the existing customer with that address, who can sign in to the portal.",
  unregistered: "The guest is not registered yet: the account will be made for the new address.",
} as const;

/** Staff correct a guest's mistyped e-mail address: the checkout, its invoice and its customer follow, and the receipt goes again. */
export function CorrectEmailForm({ basketSessionId, currentEmail }: { basketSessionId: number; currentEmail: string }) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    if (!GuestDetailsSchema.shape.email.safeParse(email).success) {
      setMessage({ text: "Enter a valid e-mail address.", error: true });
      return;
    }
    setBusy(true);
    try {
      const endpoint = endpoints.staff.correctGuestEmail(basketSessionId);
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, { email });
      setMessage({
        text: `Changed to ${data.recipient}. ${WHAT_HAPPENED[data.customer]} Any receipt was queued again for the new address.`,
        error: false,
      });
      setEmail("");
      router.refresh();
    } catch (error) {
      setMessage({
        text: error instanceof ApiError ? error.message : "The server could not be reached. Try again.",
        error: true,
      });
    }
    setBusy(false);
  }

  return (
    <form className={styles.form} onSubmit={submit} noValidate aria-labelledby="correct-email-heading">
      <div className={styles.text}>
        <h3 id="correct-email-heading">Correct the guest’s e-mail address</h3>
        <p className={styles.hint}>
          Now <strong>{currentEmail}</strong>. Use this when the guest mistyped it: their invoice, account and receipt
          follow the new address.
        </p>
      </div>
      <div className={styles.field}>
        <label className={styles.label} htmlFor="corrected-email">
          Right e-mail address
        </label>
        <input
          className={styles.input}
          id="corrected-email"
          type="email"
          autoComplete="off"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          aria-invalid={message?.error || undefined}
          aria-describedby="corrected-email-status"
        />
      </div>
      <button className={`${styles.button} ${styles.secondary}`} type="submit" aria-disabled={busy}>
        {busy ? "Changing…" : "Change the address"}
      </button>
      <p id="corrected-email-status" role="status" className={message?.error ? styles.error : styles.hint}>
        {message?.text}
      </p>
    </form>
  );
}
