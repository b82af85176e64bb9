import "server-only";

import bcrypt from "bcryptjs";

import { getDb, runTransaction } from "@/lib/server/db";
import { charge, type LimitRule, pointsUsed } from "@/lib/server/rate-limit";
import { normalizeEmail } from "@/lib/validation/guest";

const BCRYPT_ROUNDS = 12;
/** Ten wrong passwords per e-mail address in fifteen minutes, in the shared store. */
const FAILURES_ALLOWED = 10;
const FAILURE_WINDOW_SECONDS = 15 * 60;

/** Compared against when no staff user has the e-mail, so both answers take as long. */
let dummyHash: Promise<string> | undefined;

const failures: LimitRule = { prefix: "staff-sign-in", points: FAILURES_ALLOWED, windowSeconds: FAILURE_WINDOW_SECONDS };

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
  if ((await pointsUsed(failures, email, new Date())) >= FAILURES_ALLOWED) return null;

  const staff = await getDb().staffUser.findUnique({
    where: { email },
    select: { id: true, businessId: true, email: true, role: true, passwordHash: true },
  });
  dummyHash ??= bcrypt.hash("no staff user has this e-mail", BCRYPT_ROUNDS);
  const matches = await bcrypt.compare(input.password, staff?.passwordHash ?? (await dummyHash));
  if (!staff || !matches) {
    await runTransaction(() => charge([[failures, email]], 1, new Date()));
    return null;
  }
  return { staffUserId: staff.id, businessId: staff.businessId, email: staff.email, role: staff.role };
}
