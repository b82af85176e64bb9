import "server-only";

import bcrypt from "bcryptjs";

import { getDb } from "@/lib/server/db";
import { charge, type Charge, type LimitRule } from "@/lib/server/rate-limit";
import { normalizeEmail } from "@/lib/validation/guest";

const BCRYPT_ROUNDS = 12;
const WINDOW_SECONDS = 15 * 60;
/**
 * The staff sign-in's limits, in the shared store, per 15 minutes:
 * - ten tries of one e-mail address from one client address: guessing one staff member's password from one
 *   place stops there, and a lock keyed by the pair shuts out only that client, never the staff member
 *   signing in from anywhere else;
 * - thirty tries from one client address, whatever the e-mail addresses: spraying one password over many
 *   addresses stops there.
 * Every try is charged before the password is compared, in one atomic statement per key, so tries racing each
 * other cannot get more comparisons than the limit; a successful sign-in gives its point back.
 */
const TRIES_PER_ADDRESS_AND_CLIENT = 10;
const TRIES_PER_CLIENT = 30;
const perAddressAndClient: LimitRule = {
  prefix: "staff-sign-in",
  points: TRIES_PER_ADDRESS_AND_CLIENT,
  windowSeconds: WINDOW_SECONDS,
};
const perClient: LimitRule = { prefix: "staff-sign-in-ip", points: TRIES_PER_CLIENT, windowSeconds: WINDOW_SECONDS };

/** Compared against when no staff user has the e-mail, so both answers take as long. */
let dummyHash: Promise<string> | undefined;

interface AuthenticatedStaff {
  staffUserId: number;
  businessId: number;
  email: string;
  role: string;
}

/** Checks a staff member's e-mail and password; null for any failure, including too many of them. */
export async function authenticateStaff(input: {
  email: unknown;
  password: unknown;
  clientIp: string;
}): Promise<AuthenticatedStaff | null> {
  if (typeof input.email !== "string" || typeof input.password !== "string" || input.password.length > 1024)
    return null;
  // No address holds a control character (and PostgreSQL refuses a NUL in any text, with an error of its own).
  if (/[\u0000-\u001f]/.test(input.email) || input.email.length > 320) return null;
  const email = normalizeEmail(input.email);
  const charges: Charge[] = [
    [perAddressAndClient, `${email} ${input.clientIp}`],
    [perClient, input.clientIp],
  ];
  const now = new Date();
  if ((await charge(charges, 1, now)) > 0) return null;

  const staff = await getDb().staffUser.findUnique({
    where: { email },
    select: { id: true, businessId: true, email: true, role: true, passwordHash: true },
  });
  dummyHash ??= bcrypt.hash("no staff user has this e-mail", BCRYPT_ROUNDS);
  const matches = await bcrypt.compare(input.password, staff?.passwordHash ?? (await dummyHash));
  if (!staff || !matches) return null;
  await charge(charges, -1, now);
  return { staffUserId: staff.id, businessId: staff.businessId, email: staff.email, role: staff.role };
}
