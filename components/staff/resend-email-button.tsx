"use client";

import { useState } from "react";

import staffStyles from "@/components/staff/staff.module.css";
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
    <div className={staffStyles.action}>
      <button className={`${styles.button} ${styles.secondary}`} type="button" onClick={resend} aria-disabled={busy}>
        {/* "e-mail" never breaks at its hyphen: the label wraps between its words only. */}
        {busy ? (
          "Queuing…"
        ) : (
          <span>
            Resend the registration <span className={staffStyles.word}>e-mail</span>
          </span>
        )}
      </button>
      <p role="status" className={styles.hint}>
        {message}
      </p>
    </div>
  );
}
