-- The rate-limit table is named for what a row is: one key's current window.
ALTER TABLE "RateLimiterFlexible" RENAME TO "RateLimitWindow";
DROP INDEX "RateLimiterFlexible_expire_idx";
CREATE INDEX "RateLimitWindow_expire_idx" ON "RateLimitWindow"("expire");
