import type { ReactNode } from "react";

import styles from "@/components/staff/staff.module.css";

/**
 * A staff list: its column headings and rows in a table (words in its cells never break), or the `empty` message
 * when there are no rows. A column named in `numeric` is right-aligned. On a narrow screen each row is drawn as a
 * card instead (staff.module.css): the row's heading cell (`styles.cardTitle`) with its status beside it
 * (`styles.cardAside`), the guest or recipient below (`styles.cardLead`), then each other cell on a line of its own
 * after its `data-label`, so nothing needs to scroll sideways. Should a table still be too wide (a very long
 * address), its region is labelled and focusable, so it can be scrolled from the keyboard.
 */
export function StaffTable({
  label,
  columns,
  numeric = [],
  empty,
  children,
}: {
  label: string;
  columns: readonly string[];
  numeric?: readonly string[];
  empty: ReactNode;
  children: ReactNode[];
}) {
  if (children.length === 0) return empty;
  return (
    <div className={styles.scroll} role="region" aria-label={label} tabIndex={0}>
      <table className={styles.table}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col" className={numeric.includes(column) ? styles.amount : undefined}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Text that may wrap between its words but never inside one (a hyphenated name stays whole): for a `.wrap` cell. */
export function Words({ text }: { text: string }) {
  return text.split(/\s+/).map((word, index) => (
    <span key={index}>
      {index > 0 && " "}
      <span className={styles.word}>{word}</span>
    </span>
  ));
}

/**
 * An e-mail address that stays on one line in a table, and on a phone's card may wrap before its "@" and nowhere else,
 * so a long one fits: each part stays whole (a hyphen in it never breaks it).
 */
export function EmailAddress({ address }: { address: string }) {
  const at = address.lastIndexOf("@");
  if (at <= 0) return <span className={styles.word}>{address}</span>;
  return (
    <span className={styles.address}>
      <span className={styles.word}>{address.slice(0, at)}</span>
      <wbr />
      <span className={styles.word}>{address.slice(at)}</span>
    </span>
  );
}
