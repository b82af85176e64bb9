import { signIn } from "next-auth/react";

/** What a refused customer sign-in says (next-auth hands the server's reason back as `error`). */
export type SignInProblem = "link_unknown" | "link_used" | "link_expired" | "link_void" | "code_wrong" | "code_void" | "no_access" | "rate_limited" | "failed";

const PROBLEMS: readonly SignInProblem[] = ["link_unknown", "link_used", "link_expired", "link_void", "code_wrong", "code_void", "no_access", "rate_limited"];

/**
 * Signs a customer in with the link's token or an address and its code: one POST to next-auth's callback, with its
 * CSRF token. Answers null once signed in, or why not.
 */
export async function signInCustomer(
  credentials: { token: string } | { email: string; code: string },
): Promise<{ problem: SignInProblem; triesLeft?: number } | null> {
  try {
    const result = await signIn("customer", { ...credentials, redirect: false });
    if (result?.ok && !result.error) return null;
    // "code_wrong:3": a wrong code, and the tries it leaves.
    const [reason = "failed", triesLeft] = (result?.error ?? "failed").split(":");
    const problem = (PROBLEMS as readonly string[]).includes(reason) ? (reason as SignInProblem) : "failed";
    return triesLeft && /^\d$/.test(triesLeft) ? { problem, triesLeft: Number(triesLeft) } : { problem };
  } catch {
    return { problem: "failed" };
  }
}
