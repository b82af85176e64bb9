-- The card a payment was charged to, as its receipt names it: the brand and the last four digits, never more of the
-- card. Existing payments keep null (their receipts name no card).
-- AlterTable
ALTER TABLE "Payment" ADD COLUMN     "cardBrand" TEXT,
ADD COLUMN     "cardLast4" TEXT;
