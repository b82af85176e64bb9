-- An issued invoice's PDF as drawn, once per version of what it shows (its digest), read by every instance so that a
-- first download costs what a repeat does.
-- CreateTable
CREATE TABLE "InvoicePdf" (
    "digest" TEXT NOT NULL,
    "invoiceId" INTEGER NOT NULL,
    "content" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InvoicePdf_pkey" PRIMARY KEY ("digest")
);

-- CreateIndex
CREATE INDEX "InvoicePdf_invoiceId_idx" ON "InvoicePdf"("invoiceId");

-- AddForeignKey
ALTER TABLE "InvoicePdf" ADD CONSTRAINT "InvoicePdf_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice"("id") ON DELETE CASCADE ON UPDATE CASCADE;
