import "server-only";

import bcrypt from "bcryptjs";
import { RateLimiterPrisma, RateLimiterRes } from "rate-limiter-flexible";

import { getDb } from "@/lib/server/db";
import { rateLimitStore } from "@/lib/server/rate-limit-store";
import { normalizeEmail } from "@/lib/validation/guest";

const BCRYPT_ROUNDS = 12;
/** Ten wrong passwords per e-mail address in fifteen minutes, in the shared store. */
const FAILURES_ALLOWED = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

/** Compared against when no staff user has the e-mail, so both answers take as long. */
let dummyHash: Promise<string> | undefined;

let limiter: RateLimiterPrisma | undefined;
function failureLimiter(): RateLimiterPrisma {
  limiter ??= new RateLimiterPrisma({
    storeClient: rateLimitStore(getDb()),
    tableName: "rateLimiterFlexible",
    keyPrefix: "staff-sign-in",
    points: FAILURES_ALLOWED,
    duration: FAILURE_WINDOW_SECONDS,
  });
  return limiter;
}

export interface AuthenticatedStaff {
  staffUserId: number;
  businessId: number;
  email: string;
  role: string;
}

/** Checks a staff member's e-mail and password; null for any failure, including too many of them. */
export async function authenticateStaff(input: { email: unknown; password: unknown }): Promise<AuthenticatedStaff | null> {
  if (typeof input.email !== "string" || typeof input.password !== "string" || input.password.length > 1024) return null;
  const email = normalizeEmail(input.email);
  const previous = await failureLimiter().get(email);
  if (previous && previous.consumedPoints >= FAILURES_ALLOWED) return null;

  const staff = await getDb().staffUser.findUnique({
    where: { email },
    select: { id: true, businessId: true, email: true, role: true, passwordHash: true },
  });
  dummyHash ??= bcrypt.hash("no staff user has this e-mail", BCRYPT_ROUNDS);
  const matches = await bcrypt.compare(input.password, staff?.passwordHash ?? (await dummyHash));
  if (!staff || !matches) {
    await failureLimiter()
      .consume(email)
      .catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
      });
    return null;
  }
  return { staffUserId: staff.id, businessId: staff.businessId, email: staff.email, role: staff.role };
}
