import { endpoints } from "@/lib/api/endpoints";
import { formatDate, formatMoney } from "@/lib/format";

import styles from "./invoice-table.module.css";

export interface InvoiceRow {
  id: number;
  number: string;
  issuedAt: Date;
  paidAt: Date | null;
  totalMinor: number;
  currency: string;
  business: { locale: string; timeZone: string };
}

/** The customer's invoices: a table on wide screens, stacked cards on narrow ones. */
export function InvoiceTable({ invoices }: { invoices: InvoiceRow[] }) {
  if (invoices.length === 0) {
    return <p className={styles.empty}>You have no invoices yet. After your next purchase, it appears here.</p>;
  }
  return (
    <table className={styles.table}>
      <caption className={styles.caption}>Your invoices, newest first</caption>
      <thead>
        <tr>
          <th scope="col">Invoice</th>
          <th scope="col">Date</th>
          <th scope="col" className={styles.number}>
            Total
          </th>
          <th scope="col">Status</th>
          <th scope="col">
            <span className="visually-hidden">Download</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => (
          <tr key={invoice.id}>
            <th scope="row" data-label="Invoice">
              {invoice.number}
            </th>
            <td data-label="Date">{formatDate(invoice.issuedAt, invoice.business.timeZone, invoice.business.locale)}</td>
            <td data-label="Total" className={styles.number}>
              {formatMoney(invoice.totalMinor, invoice.currency, invoice.business.locale)}
            </td>
            <td data-label="Status">
              <span className={invoice.paidAt ? styles.paid : styles.unpaid}>{invoice.paidAt ? "Paid" : "Awaiting payment"}</span>
            </td>
            <td>
              <a className={styles.download} href={endpoints.billing.invoices.pdf(invoice.id).url} download>
                Download PDF<span className="visually-hidden"> of invoice {invoice.number}</span>
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
