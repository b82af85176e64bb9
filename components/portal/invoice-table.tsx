import { endpoints } from "@/lib/api/endpoints";
import { getLocale, getTranslations } from "next-intl/server";

import { formatDate, formatMoney } from "@/lib/format";
import { displayLocale } from "@/lib/i18n/locales";

import styles from "./invoice-table.module.css";

interface InvoiceRow {
  id: number;
  number: string;
  issuedAt: Date;
  paidAt: Date | null;
  totalMinor: number;
  currency: string;
  business: { locale: string; timeZone: string };
}

/** The customer's invoices, in the page's language: a table on wide screens, stacked cards on narrow ones. */
export async function InvoiceTable({ invoices }: { invoices: InvoiceRow[] }) {
  const [t, locale] = await Promise.all([getTranslations("portal.invoices"), getLocale()]);
  if (invoices.length === 0) {
    return <p className={styles.empty}>{t("empty")}</p>;
  }
  return (
    <table className={styles.table}>
      <caption className={styles.caption}>{t("caption")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("invoice")}</th>
          <th scope="col">{t("date")}</th>
          <th scope="col" className={styles.number}>
            {t("total")}
          </th>
          <th scope="col">{t("status")}</th>
          <th scope="col">
            <span className="visually-hidden">{t("download")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {invoices.map((invoice) => {
          const formatting = displayLocale(locale, invoice.business.locale);
          return (
            <tr key={invoice.id}>
              <th scope="row" data-label={t("invoice")}>
                {invoice.number}
              </th>
              <td data-label={t("date")}>{formatDate(invoice.issuedAt, invoice.business.timeZone, formatting)}</td>
              <td data-label={t("total")} className={styles.number}>
                {formatMoney(invoice.totalMinor, invoice.currency, formatting)}
              </td>
              <td data-label={t("status")}>
                <span className={invoice.paidAt ? styles.paid : styles.unpaid}>
                  {invoice.paidAt ? t("paid") : t("unpaid")}
                </span>
              </td>
              <td>
                {/* "PDF" on the screen, and which invoice's for a screen reader (its name starts with the word one sees). */}
                <a
                  className={styles.download}
                  href={endpoints.billing.invoices.pdf(invoice.id).url}
                  download
                  aria-label={t("downloadPdf", { number: invoice.number })}
                >
                  PDF
                </a>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
