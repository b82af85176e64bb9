-- Sign-in without a link a mail scanner can use up (docs/contract.md §3.5): an e-mail carries a link that opens a
-- page with a button, and a 6-digit code, both for one SignInChallenge row. The tables of next-auth's adapter go:
-- sessions are JWTs and next-auth no longer keeps sign-in tokens or identities.
-- DropTable
DROP TABLE "VerificationToken";
DROP TABLE "Session";
DROP TABLE "Account";
DROP TABLE "User";

-- CreateTable
CREATE TABLE "SignInChallenge" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "voidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInChallenge_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SignInChallenge_tokenHash_key" ON "SignInChallenge"("tokenHash");

-- CreateIndex
CREATE INDEX "SignInChallenge_email_createdAt_idx" ON "SignInChallenge"("email", "createdAt");
