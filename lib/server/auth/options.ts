import "server-only";

import { PrismaAdapter } from "@next-auth/prisma-adapter";
import type { NextAuthOptions } from "next-auth";
import type { Adapter } from "next-auth/adapters";
import CredentialsProvider from "next-auth/providers/credentials";
import EmailProvider from "next-auth/providers/email";

import { getConfig } from "@/lib/config";
import { currentAuthRequest } from "@/lib/server/auth/auth-request";
import { authenticateStaff } from "@/lib/server/auth/authenticate-staff";
import { hasPortalAccess, mayReceiveSignInLink, requestSignInLink } from "@/lib/server/auth/request-sign-in-link";
import { getDb } from "@/lib/server/db";
import { normalizeEmail } from "@/lib/validation/guest";

/**
 * next-auth: staff sign in with e-mail and password (Credentials), customers with a one-time e-mail link
 * (Email provider, tokens kept by the Prisma adapter). Sessions are JWTs that say who is staff of which
 * business and which e-mail a customer proved to own.
 */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

let options: NextAuthOptions | undefined;

/**
 * The link's token is stored only for an address that is sent the link: no row for one that gets no mail. Storing
 * one drops the address's expired ones, so an address holds at most the few links of its current window.
 */
function withSignInLinkGate(adapter: Adapter): Adapter {
  const createVerificationToken = adapter.createVerificationToken?.bind(adapter);
  return {
    ...adapter,
    async createVerificationToken(token) {
      if (!createVerificationToken || !(await mayReceiveSignInLink(token.identifier))) return token;
      await getDb().verificationToken.deleteMany({ where: { identifier: token.identifier, expires: { lt: new Date() } } });
      return createVerificationToken(token);
    },
  };
}

export function getAuthOptions(): NextAuthOptions {
  if (options) return options;
  const config = getConfig();
  // next-auth builds its links and picks secure cookies from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= config.appUrl;

  options = {
    adapter: withSignInLinkGate(PrismaAdapter(getDb() as never)),
    secret: config.auth.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/portal/sign-in", verifyRequest: "/portal/check-email", error: "/portal/sign-in" },
    providers: [
      CredentialsProvider({
        id: "staff",
        name: "Staff",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const clientIp = currentAuthRequest()?.clientIp ?? "unknown";
          const staff = await authenticateStaff({ email: credentials?.email, password: credentials?.password, clientIp });
          return staff && { id: `staff:${staff.staffUserId}`, email: staff.email, staffUserId: staff.staffUserId, businessId: staff.businessId };
        },
      }),
      EmailProvider({
        maxAge: config.auth.signInLinkTtlMinutes * 60,
        normalizeIdentifier: normalizeEmail,
        async sendVerificationRequest({ identifier, url, expires }) {
          await requestSignInLink({ email: identifier, url, expiresAt: expires });
        },
      }),
    ],
    callbacks: {
      async signIn({ user, account, email }) {
        // Asking for a link always "succeeds", so the form cannot tell who has an account.
        if (email?.verificationRequest) return true;
        if (account?.provider === "email") return typeof user.email === "string" && hasPortalAccess(user.email);
        return account?.provider === "staff";
      },
      async jwt({ token, user, account }) {
        if (account?.provider === "staff" && user) {
          const staff = user as unknown as { staffUserId: number; businessId: number };
          return { ...token, role: "staff", staffUserId: staff.staffUserId, businessId: staff.businessId };
        }
        if (account?.provider === "email") return { ...token, role: "customer" };
        return token;
      },
      async session({ session, token }) {
        session.user = {
          email: token.email ?? "",
          role: token.role ?? "customer",
          ...(token.role === "staff" ? { staffUserId: token.staffUserId, businessId: token.businessId } : {}),
        };
        return session;
      },
    },
  };
  return options;
}
