-- Fulfilment no longer waits for the guest browser (docs/contract.md §3.7): a paid checkout is registered by the
-- server when no completion page did within the grace period, its receipt is queued at payment, unsettled payments
-- are reconciled with the provider, and an order may hold several live completion links (BasketToken).
-- CreateTable
CREATE TABLE "BasketToken" (
    "tokenHash" TEXT NOT NULL,
    "basketSessionId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BasketToken_pkey" PRIMARY KEY ("tokenHash")
);

-- The completion link tokens move to their own table: every existing link keeps working.
INSERT INTO "BasketToken" ("tokenHash", "basketSessionId", "createdAt") SELECT "tokenHash", "id", "createdAt" FROM "BasketSession";

-- DropIndex
DROP INDEX "BasketSession_tokenHash_key";

-- AlterTable
ALTER TABLE "BasketSession" DROP COLUMN "tokenHash",
ADD COLUMN     "fulfilAt" TIMESTAMP(3),
ADD COLUMN     "redeemedAt" TIMESTAMP(3),
ADD COLUMN     "registeredBy" TEXT;

-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "reconcileAt" TIMESTAMP(3),
ADD COLUMN     "refundDueAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "PaymentEvent" (
    "provider" TEXT NOT NULL,
    "eventId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PaymentEvent_pkey" PRIMARY KEY ("provider","eventId")
);

-- CreateTable
CREATE TABLE "TestProviderCharge" (
    "reference" TEXT NOT NULL,
    "amountMinor" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "settleAt" TIMESTAMP(3),
    "notifyAt" TIMESTAMP(3),
    "sequence" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TestProviderCharge_pkey" PRIMARY KEY ("reference")
);

-- CreateIndex
CREATE INDEX "BasketToken_basketSessionId_idx" ON "BasketToken"("basketSessionId");

-- CreateIndex
CREATE INDEX "TestProviderCharge_notifyAt_idx" ON "TestProviderCharge"("notifyAt");

-- CreateIndex
CREATE INDEX "TestProviderCharge_settleAt_idx" ON "TestProviderCharge"("settleAt");

-- CreateIndex
CREATE INDEX "BasketSession_fulfilAt_idx" ON "BasketSession"("fulfilAt");

-- CreateIndex
CREATE INDEX "Payment_reconcileAt_idx" ON "Payment"("reconcileAt");

-- AddForeignKey
ALTER TABLE "BasketToken" ADD CONSTRAINT "BasketToken_basketSessionId_fkey" FOREIGN KEY ("basketSessionId") REFERENCES "BasketSession"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Registered checkouts were registered by their completion page, which redeemed the link then. A paid checkout
-- nobody registered is registered by the server now: an unsettled payment is reconciled now.
UPDATE "BasketSession" SET "registeredBy" = 'guest', "redeemedAt" = "consumedAt" WHERE "consumedAt" IS NOT NULL;
UPDATE "BasketSession" SET "fulfilAt" = "completedAt" WHERE "consumedAt" IS NULL AND "completedAt" IS NOT NULL;
UPDATE "Payment" SET "reconcileAt" = "createdAt" WHERE "status" IN ('pending', 'processing');
