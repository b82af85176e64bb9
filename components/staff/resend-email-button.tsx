"use client";

import { useState } from "react";

import styles from "@/components/ui/form.module.css";
import { endpoints } from "@/lib/api/endpoints";
import { ApiError, httpClient } from "@/lib/api/http-client";

export function ResendEmailButton({ basketSessionId }: { basketSessionId: number }) {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function resend() {
    if (busy) return; // the button stays focusable while busy (a disabled one would drop keyboard focus)
    setBusy(true);
    try {
      const endpoint = endpoints.staff.resendRegistrationEmail(basketSessionId);
      const { data } = await httpClient.post<typeof endpoint.type>(endpoint.url, {});
      setMessage(`Queued again for ${data.recipient}. It appears in the mail outbox.`);
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : "The server could not be reached. Try again.");
    }
    setBusy(false);
  }

  return (
    <div>
      <button className={`${styles.button} ${styles.secondary}`} type="button" onClick={resend} aria-disabled={busy}>
        {busy ? "Queuing…" : "Resend the registration e-mail"}
      </button>
      <p role="status" className={styles.hint}>
        {message}
      </p>
    </div>
  );
}
