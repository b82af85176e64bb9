-- AlterTable
ALTER TABLE "BasketSession" ADD COLUMN "orderKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "BasketSession_orderKey_key" ON "BasketSession"("orderKey");

