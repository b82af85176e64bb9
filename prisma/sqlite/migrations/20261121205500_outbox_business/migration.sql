-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "businessId" INTEGER;

-- CreateIndex
CREATE INDEX "OutboxMessage_businessId_id_idx" ON "OutboxMessage"("businessId", "id");

