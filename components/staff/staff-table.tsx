import type { ReactNode } from "react";

import styles from "@/components/staff/staff.module.css";

/**
 * A staff list: its column headings and rows in a table that scrolls sideways on a narrow screen, or the
 * `empty` message when there are no rows.
 */
export function StaffTable({ columns, empty, children }: { columns: readonly string[]; empty: ReactNode; children: ReactNode[] }) {
  if (children.length === 0) return empty;
  return (
    <div className={styles.scroll}>
      <table className={styles.table}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
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
