-- An invoice is numbered and dated when its payment succeeds, so a declined order takes no number. A declined
-- checkout has its own status. A business has a brand colour and a logo.
-- AlterTable
ALTER TABLE "Business" ADD COLUMN "brandColor" TEXT;
ALTER TABLE "Business" ADD COLUMN "logoPng" BLOB;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Invoice" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "number" TEXT,
    "businessId" INTEGER NOT NULL,
    "customerId" INTEGER,
    "billedToName" TEXT NOT NULL,
    "billedToEmail" TEXT NOT NULL,
    "billedToCompany" TEXT,
    "billedToAddress" TEXT,
    "subtotalMinor" INTEGER NOT NULL,
    "taxMinor" INTEGER NOT NULL,
    "totalMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "issuedAt" DATETIME,
    "paidAt" DATETIME,
    "paymentReference" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Invoice_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Invoice_customerId_fkey" FOREIGN KEY ("customerId") REFERENCES "Customer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Invoice" ("billedToAddress", "billedToCompany", "billedToEmail", "billedToName", "businessId", "createdAt", "currency", "customerId", "id", "issuedAt", "number", "paidAt", "paymentReference", "subtotalMinor", "taxMinor", "totalMinor") SELECT "billedToAddress", "billedToCompany", "billedToEmail", "billedToName", "businessId", "createdAt", "currency", "customerId", "id", "issuedAt", "number", "paidAt", "paymentReference", "subtotalMinor", "taxMinor", "totalMinor" FROM "Invoice";
DROP TABLE "Invoice";
ALTER TABLE "new_Invoice" RENAME TO "Invoice";
CREATE INDEX "Invoice_customerId_idx" ON "Invoice"("customerId");
CREATE UNIQUE INDEX "Invoice_businessId_number_key" ON "Invoice"("businessId", "number");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;


-- Invoices never paid were never issued: they give their numbers back (the counter is not rewound, so numbers
-- given out before this migration may leave a gap once).
UPDATE "Invoice" SET "number" = NULL, "issuedAt" = NULL WHERE "paidAt" IS NULL;

-- A checkout whose latest payment attempt was declined shows as declined.
UPDATE "BasketSession" SET "status" = 'declined'
WHERE "consumedAt" IS NULL AND "completedAt" IS NULL
  AND (SELECT p."status" FROM "Payment" p WHERE p."invoiceId" = "BasketSession"."invoiceId" ORDER BY p."id" DESC LIMIT 1) = 'declined';
