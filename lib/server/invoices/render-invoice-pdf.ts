import "server-only";

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

import * as fontkit from "fontkit";
import PDFDocument from "pdfkit";

import { brandPalette } from "@/lib/brand";
import { formatDate, formatMoney, formatTaxRate } from "@/lib/format";
import { translatorFor } from "@/lib/i18n/translator";
import { taxByRate } from "@/lib/money";
import { paymentMethodLabel } from "@/lib/payment-method";
import { databaseInvoicePdfStore } from "@/lib/server/db/invoice-pdfs";
import type { InvoiceDocument } from "@/lib/server/invoices/invoice-document";
import type { InvoicePdfStore } from "@/lib/server/invoices/invoice-pdf-store";
import { logger } from "@/lib/server/logger";

/**
 * The invoice PDF (docs/contract.md §3.2), drawn with pdfkit in Noto Sans, embedded and subset so every name prints
 * whatever its script (Latin, Greek, Cyrillic) and the text stays selectable. Long invoices flow onto
 * further pages with the table header repeated; every page carries the invoice number and its page count. Its
 * labels are in the invoice's language (`InvoiceDocument.language`), its money and dates in that language's way in the
 * business's region (`InvoiceDocument.formatLocale`).
 */

const FONT_DIR = path.join(process.cwd(), "node_modules", "@expo-google-fonts", "noto-sans");
type Font = ReturnType<typeof fontkit.create>;
let fonts: { regular: Font; bold: Font } | undefined;

/** Parsed once per process: parsing the two fonts was most of a render (≈ 60 of 70 ms). */
function loadFonts(): { regular: Font; bold: Font } {
  fonts ??= {
    regular: fontkit.create(readFileSync(path.join(FONT_DIR, "400Regular", "NotoSans_400Regular.ttf"))),
    bold: fontkit.create(readFileSync(path.join(FONT_DIR, "700Bold", "NotoSans_700Bold.ttf"))),
  };
  return fonts;
}

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = 50;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
const FOOTER_Y = PAGE.height - 36;
const BODY_BOTTOM = PAGE.height - MARGIN - 16;
const CELL_PADDING = 6;

const COLOR = { text: "#1f2328", muted: "#57606a", rule: "#d8d6cf", band: "#f1f0eb", paid: "#1f6f5c" };

interface Column {
  width: number;
  align: "left" | "right";
}

const COLUMNS = {
  description: { width: 225, align: "left" },
  quantity: { width: 45, align: "right" },
  unitPrice: { width: 80, align: "right" },
  taxRate: { width: 55, align: "right" },
  amount: { width: CONTENT_WIDTH - 225 - 45 - 80 - 55, align: "right" },
} satisfies Record<string, Column>;

type ColumnKey = keyof typeof COLUMNS;
const COLUMN_ORDER: ColumnKey[] = ["description", "quantity", "unitPrice", "taxRate", "amount"];

function columnX(key: ColumnKey): number {
  let x = MARGIN;
  for (const other of COLUMN_ORDER) {
    if (other === key) return x;
    x += COLUMNS[other].width;
  }
  return x;
}

/**
 * An issued invoice's PDF is drawn once per version (docs/contract.md §3.2): under a digest of everything it shows
 * and of its layout, it is kept in the shared store (InvoicePdfStore, the database by default), where the mail
 * worker's receipt usually puts it at payment, so a guest's first download on any instance is read, not drawn. A
 * correction that changes what the invoice shows changes the digest, and so makes a new version. Drawing (font
 * subsetting above all) costs tens of milliseconds; reading it back, well under one.
 *
 * Each process keeps the most recently served in memory too, bounded in bytes, the least recently used dropped first.
 */
const LAYOUT_VERSION = 1; // raise it when the drawing below changes, so that invoices are drawn again in the new one
const CACHE_MAX_BYTES = 32 * 1024 * 1024;
const rendered = new Map<string, Buffer>();
let cachedBytes = 0;

function remember(key: string, pdf: Buffer): void {
  rendered.set(key, pdf);
  cachedBytes += pdf.length;
  for (const [oldest, value] of rendered) {
    if (cachedBytes <= CACHE_MAX_BYTES) break;
    rendered.delete(oldest);
    cachedBytes -= value.length;
  }
}

/** The digest a version of an invoice's PDF is stored under: what it shows (its logo by its own hash), and its layout. */
export function invoicePdfDigest(invoice: InvoiceDocument): string {
  const { logoPng } = invoice.business;
  const logoHash = logoPng && createHash("sha256").update(logoPng).digest("base64url");
  const drawn = {
    layout: LAYOUT_VERSION,
    ...invoice,
    business: { ...invoice.business, logoPng: logoHash },
    // Who the customer is, once they register, is not drawn: the receipt's PDF at payment and the download after
    // registration are one version.
    customer: undefined,
    customerId: undefined,
  };
  return createHash("sha256").update(JSON.stringify(drawn)).digest("base64url");
}

export async function renderInvoicePdf(
  invoice: InvoiceDocument,
  store: InvoicePdfStore = databaseInvoicePdfStore,
): Promise<Buffer> {
  const digest = invoicePdfDigest(invoice);
  const cached = rendered.get(digest);
  if (cached) {
    rendered.delete(digest); // most recently used goes last
    rendered.set(digest, cached);
    return cached;
  }
  let pdf = await store.get(digest);
  if (!pdf) {
    const drawn = await drawInvoicePdf(invoice);
    try {
      pdf = await store.put(digest, invoice.id, drawn);
    } catch (error) {
      // The PDF is whole without its copy in the store: serve it, and the next download tries to store it again.
      logger.warn("invoice PDF not stored; served as drawn", { invoiceId: invoice.id, error });
      return drawn;
    }
  }
  remember(digest, pdf);
  return pdf;
}

/** What every part of the drawing needs: the document, the invoice, and its words, money and dates. */
interface Drawing {
  doc: PDFKit.PDFDocument;
  invoice: InvoiceDocument;
  t: Awaited<ReturnType<typeof translatorFor<"invoice">>>;
  money: (minor: number) => string;
  date: (instant: Date) => string;
}

async function drawInvoicePdf(invoice: InvoiceDocument): Promise<Buffer> {
  const { timeZone } = invoice.business;
  const locale = invoice.formatLocale;
  const t = await translatorFor(invoice.language, "invoice");

  const doc = new PDFDocument({
    size: "A4",
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    lang: invoice.language,
    displayTitle: true,
    info: {
      Title: t("documentTitle", { number: invoice.number }),
      Author: invoice.business.name,
      CreationDate: invoice.issuedAt,
    },
  });
  const { regular, bold } = loadFonts();
  // pdfkit takes a parsed fontkit font as it is (its typings only know file names and buffers).
  doc.registerFont("body", regular as never);
  doc.registerFont("bold", bold as never);

  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const drawing: Drawing = {
    doc,
    invoice,
    t,
    money: (minor) => formatMoney(minor, invoice.currency, locale),
    date: (instant) => formatDate(instant, timeZone, locale),
  };
  let y = drawHeader(drawing);
  y = drawBilledTo(drawing, y);
  y = drawLines(drawing, y);
  drawTotals(drawing, y);
  drawFooters(drawing);

  doc.end();
  return finished;
}

/** The band of the business's colour, the business (its logo, if it has one) and the invoice's identity. */
function drawHeader({ doc, invoice, t, date }: Drawing): number {
  // A band of the business's colour across the top (nothing is written on it, so any colour reads).
  doc.rect(0, 0, PAGE.width, 8).fillColor(brandPalette(invoice.business.brandColor).accent).fill();

  // The business on the left.
  let nameY = MARGIN;
  if (invoice.business.logoPng) {
    try {
      doc.image(invoice.business.logoPng, MARGIN, MARGIN, { fit: [44, 44] });
      nameY = MARGIN + 52;
    } catch {
      // an image pdfkit cannot read is left out rather than failing the invoice
    }
  }
  doc.font("bold").fontSize(16).fillColor(COLOR.text).text(invoice.business.name, MARGIN, nameY, { width: 290 });
  doc.font("body").fontSize(9).fillColor(COLOR.muted);
  for (const line of invoice.business.address.split("\n")) doc.text(line, { width: 290 });
  doc.text(t("taxId", { taxId: invoice.business.taxId }), { width: 290 });
  const leftBottom = doc.y;

  // The invoice's identity on the right.
  const rightX = MARGIN + 300;
  const rightWidth = CONTENT_WIDTH - 300;
  doc
    .font("bold")
    .fontSize(22)
    .fillColor(COLOR.text)
    .text(t("title"), rightX, MARGIN - 4, { width: rightWidth, align: "right" });
  doc.moveDown(0.3);
  const facts: [string, string][] = [
    [t("number"), invoice.number],
    [t("issueDate"), date(invoice.issuedAt)],
    [t("paymentDate"), invoice.paidAt ? date(invoice.paidAt) : t("notPaid")],
    ...(invoice.paymentCard
      ? [[t("paymentMethod"), paymentMethodLabel(invoice.paymentCard, t("card"))] satisfies [string, string]]
      : []),
  ];
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font("body").fontSize(9).fillColor(COLOR.muted).text(label, rightX, y, { width: 90 });
    doc
      .font("bold")
      .fontSize(9)
      .fillColor(COLOR.text)
      .text(value, rightX + 90, y, { width: rightWidth - 90, align: "right" });
    doc.moveDown(0.25);
  }
  return Math.max(leftBottom, doc.y) + 28;
}

/** Who is billed, and the PAID mark beside it. */
function drawBilledTo({ doc, invoice, t }: Drawing, y: number): number {
  const billedTo = [
    invoice.billedToCompany,
    ...(invoice.billedToAddress?.split("\n") ?? []),
    invoice.billedToEmail,
  ].filter((line): line is string => Boolean(line));
  doc.font("bold").fontSize(8).fillColor(COLOR.muted).text(t("billedTo"), MARGIN, y, { width: 280 });
  doc.font("bold").fontSize(11).fillColor(COLOR.text).text(invoice.billedToName, { width: 280 });
  doc.font("body").fontSize(9.5).fillColor(COLOR.text);
  for (const line of billedTo) doc.text(line, { width: 280 });
  const billedBottom = doc.y;

  const stampX = MARGIN + 320;
  const stampWidth = CONTENT_WIDTH - 320;
  if (invoice.paidAt) {
    doc.roundedRect(stampX, y, stampWidth, 62, 6).lineWidth(1.5).strokeColor(COLOR.paid).stroke();
    doc
      .font("bold")
      .fontSize(20)
      .fillColor(COLOR.paid)
      .text(t("paid"), stampX, y + 8, { width: stampWidth, align: "center" });
    doc
      .font("body")
      .fontSize(8)
      .fillColor(COLOR.muted)
      .text(t("paymentReference"), stampX, y + 34, { width: stampWidth, align: "center" });
    doc
      .font("bold")
      .fontSize(8.5)
      .fillColor(COLOR.text)
      .text(invoice.paymentReference ?? "—", stampX + 6, y + 45, {
        width: stampWidth - 12,
        align: "center",
        lineBreak: false,
        ellipsis: true,
      });
  }
  return Math.max(billedBottom, y + 62) + 28;
}

/** A new page, headed with the invoice it continues; returns where its content starts. */
function continueOnNewPage({ doc, invoice, t }: Drawing): number {
  doc.addPage();
  doc
    .font("body")
    .fontSize(9)
    .fillColor(COLOR.muted)
    .text(t("continued", { number: invoice.number }), MARGIN, MARGIN, { width: CONTENT_WIDTH });
  return MARGIN + 22;
}

function drawTableHeader({ doc, t }: Drawing, y: number): number {
  doc.rect(MARGIN, y, CONTENT_WIDTH, 20).fillColor(COLOR.band).fill();
  doc.font("bold").fontSize(8.5).fillColor(COLOR.muted);
  for (const key of COLUMN_ORDER) {
    const column = COLUMNS[key];
    doc.text(t(key), columnX(key) + CELL_PADDING, y + 6, {
      width: column.width - 2 * CELL_PADDING,
      align: column.align,
      lineBreak: false,
    });
  }
  return y + 20;
}

/** The lines, page by page, the table's header repeated on each. */
function drawLines(drawing: Drawing, top: number): number {
  const { doc, invoice, money } = drawing;
  const locale = invoice.formatLocale;
  let y = drawTableHeader(drawing, top);
  for (const line of invoice.lines) {
    doc.font("body").fontSize(9.5);
    const descriptionWidth = COLUMNS.description.width - 2 * CELL_PADDING;
    const rowHeight =
      Math.max(doc.heightOfString(line.description, { width: descriptionWidth }), 12) + 2 * CELL_PADDING;
    if (y + rowHeight > BODY_BOTTOM) y = drawTableHeader(drawing, continueOnNewPage(drawing));
    const cells: Record<ColumnKey, string> = {
      description: line.description,
      quantity: String(line.quantity),
      unitPrice: money(line.unitPriceMinor),
      taxRate: formatTaxRate(line.taxRateBp, locale),
      amount: money(line.amountMinor),
    };
    doc.font("body").fontSize(9.5).fillColor(COLOR.text);
    for (const key of COLUMN_ORDER) {
      const column = COLUMNS[key];
      doc.text(cells[key], columnX(key) + CELL_PADDING, y + CELL_PADDING, {
        width: column.width - 2 * CELL_PADDING,
        align: column.align,
        lineBreak: key === "description",
      });
    }
    y += rowHeight;
    doc
      .moveTo(MARGIN, y)
      .lineTo(MARGIN + CONTENT_WIDTH, y)
      .lineWidth(0.5)
      .strokeColor(COLOR.rule)
      .stroke();
  }
  return y;
}

/** Subtotal, the tax by rate ("VAT 20%") and total, kept together (on a new page if they do not fit under the lines). */
function drawTotals(drawing: Drawing, top: number): void {
  const { doc, invoice, t, money } = drawing;
  const totals: [string, string, boolean][] = [
    [t("subtotal"), money(invoice.subtotalMinor), false],
    ...taxByRate(invoice.lines).map((tax): [string, string, boolean] => [
      t("taxAt", { rate: formatTaxRate(tax.rateBp, invoice.business.locale) }),
      money(tax.taxMinor),
      false,
    ]),
    [invoice.paidAt ? t("totalPaid") : t("totalDue"), money(invoice.totalMinor), true],
  ];
  let y = (top + 12 + totals.length * 20 > BODY_BOTTOM ? continueOnNewPage(drawing) : top) + 12;
  const labelX = columnX("unitPrice");
  const labelWidth = COLUMNS.unitPrice.width + COLUMNS.taxRate.width;
  for (const [label, value, emphasised] of totals) {
    doc
      .font(emphasised ? "bold" : "body")
      .fontSize(emphasised ? 11 : 9.5)
      .fillColor(COLOR.text);
    doc.text(label, labelX + CELL_PADDING, y, {
      width: labelWidth - 2 * CELL_PADDING,
      align: "right",
      lineBreak: false,
    });
    doc.text(value, columnX("amount") + CELL_PADDING, y, {
      width: COLUMNS.amount.width - 2 * CELL_PADDING,
      align: "right",
      lineBreak: false,
    });
    y += 20;
  }
}

/**
 * Footers, written once the page count is known. Lifting the bottom margin keeps pdfkit from starting a new page
 * for text placed below it.
 */
function drawFooters({ doc, invoice, t }: Drawing): void {
  const pages = doc.bufferedPageRange();
  for (let index = 0; index < pages.count; index++) {
    doc.switchToPage(pages.start + index);
    doc.page.margins.bottom = 0;
    doc.font("body").fontSize(8).fillColor(COLOR.muted);
    doc.text(
      t("footer", { business: invoice.business.name, number: invoice.number, page: index + 1, pages: pages.count }),
      MARGIN,
      FOOTER_Y,
      { width: CONTENT_WIDTH, align: "center", lineBreak: false },
    );
  }
}
