import type { CheckoutStatus } from "@/lib/server/staff/checkout-status";

import styles from "./staff.module.css";

export const STATUS_LABELS = {
  pending_payment: "Pending payment",
  declined: "Declined",
  paid: "Paid",
  registered: "Registered",
  expired: "Expired",
} as const satisfies Record<CheckoutStatus, string>;

export function StatusBadge({ status }: { status: CheckoutStatus }) {
  return <span className={`${styles.status} ${styles[`status-${status}`]}`}>{STATUS_LABELS[status]}</span>;
}
