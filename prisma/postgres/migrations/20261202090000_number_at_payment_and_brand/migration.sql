-- An invoice is numbered and dated when its payment succeeds, so a declined order takes no number. A declined
-- checkout has its own status. A business has a brand colour and a logo.
-- AlterTable
ALTER TABLE "Business" ADD COLUMN     "brandColor" TEXT,
ADD COLUMN     "logoPng" BYTEA;

-- AlterTable
ALTER TABLE "Invoice" ALTER COLUMN "number" DROP NOT NULL,
ALTER COLUMN "issuedAt" DROP NOT NULL;


-- Invoices never paid were never issued: they give their numbers back (the counter is not rewound, so numbers
-- given out before this migration may leave a gap once).
UPDATE "Invoice" SET "number" = NULL, "issuedAt" = NULL WHERE "paidAt" IS NULL;

-- A checkout whose latest payment attempt was declined shows as declined.
UPDATE "BasketSession" SET "status" = 'declined'
WHERE "consumedAt" IS NULL AND "completedAt" IS NULL
  AND (SELECT p."status" FROM "Payment" p WHERE p."invoiceId" = "BasketSession"."invoiceId" ORDER BY p."id" DESC LIMIT 1) = 'declined';
