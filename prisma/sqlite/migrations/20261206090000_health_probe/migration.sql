-- The health check writes one row per host (docs/contract.md §3.6), so it fails when the database cannot be written.
-- CreateTable
CREATE TABLE "HealthProbe" (
    "instance" TEXT NOT NULL PRIMARY KEY,
    "checkedAt" DATETIME NOT NULL
);
