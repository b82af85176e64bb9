import "next-auth";
import "next-auth/jwt";

/** What a session knows: a staff member of one business, or a customer identified by their e-mail. */
declare module "next-auth" {
  interface Session {
    user: {
      email: string;
      role: "staff" | "customer";
      staffUserId?: number;
      businessId?: number;
    };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    role?: "staff" | "customer";
    staffUserId?: number;
    businessId?: number;
  }
}
