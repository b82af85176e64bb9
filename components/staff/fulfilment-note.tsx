import styles from "@/components/staff/staff.module.css";
import { formatDateTime } from "@/lib/format";
import type { Fulfilment } from "@/lib/server/staff/checkout-status";

/** How a paid checkout is fulfilled, in words: "paid — registered by the server at …" or "paid — waiting for the guest (registers at …)". */
export function FulfilmentNote({
  fulfilment,
  timeZone,
  locale,
}: {
  fulfilment: Fulfilment;
  timeZone: string;
  locale: string;
}) {
  if (!fulfilment) return null;
  const when = (instant: Date) => formatDateTime(instant, timeZone, locale);
  return (
    <small className={styles.note}>
      {fulfilment.kind === "registered_by_server"
        ? `paid — registered by the server at ${when(fulfilment.at)}${fulfilment.linkRedeemedAt ? `; the guest's link was used at ${when(fulfilment.linkRedeemedAt)}` : ""}`
        : `paid — waiting for the guest (registers at ${when(fulfilment.registersAt)})`}
    </small>
  );
}
