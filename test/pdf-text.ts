import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** The text of a PDF and its page count, as poppler (pdftotext, pdfinfo) reads them. */
export function readPdf(pdf: Uint8Array): { text: string; pages: string[]; pageCount: number } {
  const dir = mkdtempSync(path.join(tmpdir(), "pdf-"));
  const file = path.join(dir, "document.pdf");
  try {
    writeFileSync(file, pdf);
    const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { encoding: "utf8" });
    const info = execFileSync("pdfinfo", [file], { encoding: "utf8" });
    const pageCount = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
    return { text, pages: text.split("\f").filter((page) => page.trim()), pageCount };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
