-- Fulfilment no longer waits for the guest browser (docs/contract.md §3.7): a paid checkout is registered by the
-- server when no completion page did within the grace period, its receipt is queued at payment, unsettled payments
-- are reconciled with the provider, and an order may hold several live completion links (BasketToken).
-- AlterTable
ALTER TABLE "Payment" ADD COLUMN "reconcileAt" DATETIME;
ALTER TABLE "Payment" ADD COLUMN "refundDueAt" DATETIME;

-- CreateTable
CREATE TABLE "BasketToken" (
    "tokenHash" TEXT NOT NULL PRIMARY KEY,
    "basketSessionId" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BasketToken_basketSessionId_fkey" FOREIGN KEY ("basketSessionId") REFERENCES "BasketSession" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PaymentEvent" (
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("provider", "eventId")
);

-- CreateTable
CREATE TABLE "TestProviderCharge" (
    "reference" TEXT NOT NULL PRIMARY KEY,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "settleAt" DATETIME,
    "notifyAt" DATETIME,
    "sequence" INTEGER NOT NULL DEFAULT 1,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- The completion link tokens move to their own table: every existing link keeps working.
INSERT INTO "BasketToken" ("tokenHash", "basketSessionId", "createdAt") SELECT "tokenHash", "id", "createdAt" FROM "BasketSession";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_BasketSession" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "orderKey" TEXT,
    "businessId" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending_payment',
    "locale" TEXT NOT NULL DEFAULT 'en',
    "guestFullName" TEXT NOT NULL,
    "guestEmail" TEXT NOT NULL,
    "guestCompany" TEXT,
    "guestPhone" TEXT,
    "billingLine1" TEXT,
    "billingLine2" TEXT,
    "billingCity" TEXT,
    "billingPostalCode" TEXT,
    "billingCountry" TEXT,
    "completedAt" DATETIME,
    "expiresAt" DATETIME NOT NULL,
    "fulfilAt" DATETIME,
    "consumedAt" DATETIME,
    "registeredBy" TEXT,
    "redeemedAt" DATETIME,
    "consumedKeyHash" TEXT,
    "invoiceId" INTEGER,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "BasketSession_businessId_fkey" FOREIGN KEY ("businessId") REFERENCES "Business" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "BasketSession_invoiceId_fkey" FOREIGN KEY ("invoiceId") REFERENCES "Invoice" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_BasketSession" ("billingCity", "billingCountry", "billingLine1", "billingLine2", "billingPostalCode", "businessId", "completedAt", "consumedAt", "consumedKeyHash", "createdAt", "expiresAt", "guestCompany", "guestEmail", "guestFullName", "guestPhone", "id", "invoiceId", "locale", "orderKey", "status") SELECT "billingCity", "billingCountry", "billingLine1", "billingLine2", "billingPostalCode", "businessId", "completedAt", "consumedAt", "consumedKeyHash", "createdAt", "expiresAt", "guestCompany", "guestEmail", "guestFullName", "guestPhone", "id", "invoiceId", "locale", "orderKey", "status" FROM "BasketSession";
DROP TABLE "BasketSession";
ALTER TABLE "new_BasketSession" RENAME TO "BasketSession";
CREATE UNIQUE INDEX "BasketSession_orderKey_key" ON "BasketSession"("orderKey");
CREATE UNIQUE INDEX "BasketSession_invoiceId_key" ON "BasketSession"("invoiceId");
CREATE INDEX "BasketSession_businessId_createdAt_idx" ON "BasketSession"("businessId", "createdAt");
CREATE INDEX "BasketSession_fulfilAt_idx" ON "BasketSession"("fulfilAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "BasketToken_basketSessionId_idx" ON "BasketToken"("basketSessionId");

-- CreateIndex
CREATE INDEX "TestProviderCharge_notifyAt_idx" ON "TestProviderCharge"("notifyAt");

-- CreateIndex
CREATE INDEX "TestProviderCharge_settleAt_idx" ON "TestProviderCharge"("settleAt");

-- CreateIndex
CREATE INDEX "Payment_reconcileAt_idx" ON "Payment"("reconcileAt");

-- Registered checkouts were registered by their completion page, which redeemed the link then. A paid checkout
-- nobody registered is registered by the server now: an unsettled payment is reconciled now.
UPDATE "BasketSession" SET "registeredBy" = 'guest', "redeemedAt" = "consumedAt" WHERE "consumedAt" IS NOT NULL;
UPDATE "BasketSession" SET "fulfilAt" = "completedAt" WHERE "consumedAt" IS NULL AND "completedAt" IS NOT NULL;
UPDATE "Payment" SET "reconcileAt" = "createdAt" WHERE "status" IN ('pending', 'processing');
