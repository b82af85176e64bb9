-- The guest's language, kept with the checkout and the customer, so that e-mails are written in it, and the
-- language of a business's invoice labels: the customer's, or the business's own. Everything before was English.
-- AlterTable
ALTER TABLE "BasketSession" ADD COLUMN "locale" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "Customer" ADD COLUMN "locale" TEXT NOT NULL DEFAULT 'en';

-- AlterTable
ALTER TABLE "Business" ADD COLUMN "invoiceLanguage" TEXT NOT NULL DEFAULT 'customer';
