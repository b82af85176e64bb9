import NextAuth from "next-auth";

import { getAuthOptions } from "@/lib/server/auth/options";

export const dynamic = "force-dynamic";

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

/** next-auth's endpoints (sign-in, callback, session, csrf, sign-out). The options are built on first use. */
const handler: Handler = (request, context) => (NextAuth(getAuthOptions()) as Handler)(request, context);

export { handler as GET, handler as POST };
