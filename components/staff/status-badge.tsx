import styles from "./staff.module.css";

const LABELS = { pending_payment: "Pending payment", paid: "Paid", registered: "Registered", expired: "Expired" } as const;

export type CheckoutStatusName = keyof typeof LABELS;

export function StatusBadge({ status }: { status: CheckoutStatusName }) {
  return <span className={`${styles.status} ${styles[`status-${status}`]}`}>{LABELS[status]}</span>;
}

export const STATUS_LABELS = LABELS;
