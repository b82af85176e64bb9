import "server-only";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";

import { getConfig } from "@/lib/config";
import { currentAuthRequest } from "@/lib/server/auth/auth-request";
import { authenticateStaff } from "@/lib/server/auth/authenticate-staff";
import { redeemSignInCode, redeemSignInLink } from "@/lib/server/auth/sign-in-challenge";
import { charge, type LimitRule } from "@/lib/server/rate-limit";

/**
 * next-auth: staff sign in with e-mail and password, customers with the link or the code of a sign-in e-mail
 * (sign-in-challenge.ts), both as Credentials providers, so only a POST with next-auth's CSRF token ever signs
 * anyone in. Sessions are JWTs that say who is staff of which business and which e-mail a customer proved to own;
 * no adapter, so next-auth stores nothing.
 */
const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Codes and links one client address may try per window, whatever the addresses (each code has its own five). */
const customerTriesPerClient: LimitRule = { prefix: "sign-in-try-ip", points: 60, windowSeconds: 15 * 60 };

let options: NextAuthOptions | undefined;

/** Why a customer's sign-in was refused, as next-auth hands it to the page (`error`): a SignInRefusal, or "rate_limited". */
class CustomerSignInRefused extends Error {}

export function getAuthOptions(): NextAuthOptions {
  if (options) return options;
  const config = getConfig();
  // next-auth builds its links and picks secure cookies from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= config.appUrl;

  options = {
    secret: config.auth.secret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/portal/sign-in", error: "/portal/sign-in" },
    providers: [
      CredentialsProvider({
        id: "staff",
        name: "Staff",
        credentials: { email: { label: "E-mail", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const clientIp = currentAuthRequest()?.clientIp ?? "unknown";
          const staff = await authenticateStaff({
            email: credentials?.email,
            password: credentials?.password,
            clientIp,
          });
          return (
            staff && {
              id: `staff:${staff.staffUserId}`,
              email: staff.email,
              staffUserId: staff.staffUserId,
              businessId: staff.businessId,
            }
          );
        },
      }),
      CredentialsProvider({
        id: "customer",
        name: "Customer",
        credentials: {
          token: { label: "Link", type: "text" },
          email: { label: "E-mail", type: "email" },
          code: { label: "Code", type: "text" },
        },
        async authorize(credentials) {
          const clientIp = currentAuthRequest()?.clientIp ?? "unknown";
          if ((await charge([[customerTriesPerClient, clientIp]], 1, new Date())) > 0)
            throw new CustomerSignInRefused("rate_limited");
          const token = credentials?.token;
          const result = token
            ? await redeemSignInLink(String(token))
            : await redeemSignInCode(String(credentials?.email ?? ""), String(credentials?.code ?? ""));
          if ("refused" in result) throw new CustomerSignInRefused(result.refused);
          return { id: `customer:${result.email}`, email: result.email };
        },
      }),
    ],
    callbacks: {
      async signIn({ account }) {
        return account?.provider === "staff" || account?.provider === "customer";
      },
      async jwt({ token, user, account }) {
        if (account?.provider === "staff" && user) {
          const staff = user as unknown as { staffUserId: number; businessId: number };
          return { ...token, role: "staff", staffUserId: staff.staffUserId, businessId: staff.businessId };
        }
        if (account?.provider === "customer") return { ...token, role: "customer" };
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
