-- The rate-limit table is named for what a row is: one key's current window.
ALTER TABLE "RateLimiterFlexible" RENAME TO "RateLimitWindow";
ALTER TABLE "RateLimitWindow" RENAME CONSTRAINT "RateLimiterFlexible_pkey" TO "RateLimitWindow_pkey";
ALTER INDEX "RateLimiterFlexible_expire_idx" RENAME TO "RateLimitWindow_expire_idx";
