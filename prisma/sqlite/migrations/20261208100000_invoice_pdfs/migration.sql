-- An issued invoice's PDF as drawn, once per version of what it shows (its digest), read by every instance so that a
-- first download costs what a repeat does.
-- CreateTable
CREATE TABLE "InvoicePdf" (
    "digest" TEXT NOT NULL PRIMARY KEY,
    "invoiceId" INTEGER NOT NULL,
    "content" BLOB NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "InvoicePdf_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "InvoicePdf_invoiceId_idx" ON "InvoicePdf"("invoiceId");
