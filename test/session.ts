import { encode } from "next-auth/jwt";

/**
 * A next-auth session cookie, as the sign-in flows set it, for calling route handlers as someone:
 * like a login fixture, without going through the sign-in pages.
 */
export async function sessionCookie(
  session:
    { role: "customer"; email: string } | { role: "staff"; email: string; staffUserId: number; businessId: number },
): Promise<string> {
  const token = await encode({
    token: { sub: `${session.role}:${session.email}`, ...session },
    secret: process.env.NEXTAUTH_SECRET!,
  });
  return `next-auth.session-token=${token}`;
}
