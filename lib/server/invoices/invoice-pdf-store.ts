/**
 * Where drawn invoice PDFs are kept for every instance: content-addressed, each under the digest of what it shows
 * (render-invoice-pdf.ts), so a version is written once and never changes. The database implements it
 * (db/invoice-pdfs.ts); an object store could, with the digest as the object's key and a conditional put.
 */
export interface InvoicePdfStore {
  /** The PDF stored under `digest`, or null when this version was never stored. */
  get(digest: string): Promise<Buffer | null>;
  /**
   * Stores `pdf` under `digest` unless a PDF is stored there already, and answers the one stored: whoever
   * stored first wins, and every instance then serves the same bytes.
   */
  put(digest: string, invoiceId: number, pdf: Buffer): Promise<Buffer>;
}
