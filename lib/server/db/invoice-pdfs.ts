import "server-only";

import { type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { query } from "@/lib/server/db/script";
import { runOneWrite, runReadOnly } from "@/lib/server/db/transaction";
import type { InvoicePdfStore } from "@/lib/server/invoices/invoice-pdf-store";

/**
 * The invoice PDFs' store in the database (InvoicePdf): each version of an issued invoice as first drawn, under the
 * digest of what it shows, for every instance to read. One statement per read or write, so a crash leaves a PDF
 * stored whole or not at all.
 */

const storedPdf = prepare((p: Parameters<{ digest: string }>) =>
  sqlBuilder.selectFrom("InvoicePdf").select("content").where("digest", "=", p.digest),
);

const insertPdf = prepare((p: Parameters<{ digest: string; invoiceId: number; content: Buffer; createdAt: Date }>) =>
  sqlBuilder
    .insertInto("InvoicePdf")
    .values({ digest: p.digest, invoiceId: p.invoiceId, content: p.content, createdAt: p.createdAt })
    .onConflict((conflict) => conflict.column("digest").doNothing())
    .returning("digest"),
);

export const databaseInvoicePdfStore: InvoicePdfStore = {
  async get(digest) {
    const [row] = await runReadOnly(() => query(storedPdf({ digest })));
    return row ? Buffer.from(row.content) : null;
  },

  async put(digest, invoiceId, pdf) {
    const inserted = await runOneWrite(() =>
      query(insertPdf({ digest, invoiceId, content: pdf, createdAt: new Date() })),
    );
    if (inserted.length > 0) return pdf;
    // Another instance stored this version first: serve its bytes, so every instance answers the same file.
    return (await databaseInvoicePdfStore.get(digest)) ?? pdf;
  },
};
