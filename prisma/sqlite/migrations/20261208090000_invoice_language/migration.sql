-- The language of an invoice's labels, fixed at checkout with its lines and billing address, so that an issued invoice
-- reads the same whatever the basket's or the business's language becomes later. Existing invoices keep null and take
-- the language as before.
-- AlterTable
ALTER TABLE "Invoice" ADD COLUMN "language" TEXT;
