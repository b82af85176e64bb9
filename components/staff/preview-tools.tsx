"use client";

import { useState } from "react";

import styles from "@/components/staff/staff.module.css";

import { DemoCheckoutForm, type CreatedDemoCheckout } from "./demo-checkout-form";
import { DryRunForm } from "./dry-run-form";

/**
 * The preview page's tools: one dry-run form, and (when demo checkouts are on) the demo checkout form, which
 * fills the dry-run form with the checkout it created rather than showing a second one.
 */
export function PreviewTools({ demoCheckoutsEnabled }: { demoCheckoutsEnabled: boolean }) {
  const [demo, setDemo] = useState<CreatedDemoCheckout | null>(null);
  return (
    <>
      <section className={styles.panel} aria-labelledby="dry-run-heading" style={{ marginTop: "2rem" }}>
        <h2 id="dry-run-heading">Dry run for a real checkout</h2>
        <p>
          Runs every check of the registration, in order, for a guest&apos;s invoice and basket session, and says what
          would happen. Nothing is consumed and no token is issued; only an audit event of the preview is recorded.
        </p>
        <DryRunForm
          key={demo?.invoiceId ?? 0}
          initial={demo ? { invoiceId: String(demo.invoiceId), basketSession: demo.basketSession } : undefined}
        />
      </section>

      {demoCheckoutsEnabled && (
        <section className={styles.panel} aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo checkout</h2>
          <p>
            Creates a guest checkout of one day pass for a made-up guest, through the real checkout code, to try the
            page with.
          </p>
          <DemoCheckoutForm onCreated={setDemo} />
        </section>
      )}
    </>
  );
}
