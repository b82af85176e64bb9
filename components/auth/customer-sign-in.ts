import { signIn } from "next-auth/react";

/** What a refused customer sign-in says (next-auth hands the server's reason back as `error`). */
export type SignInProblem =
  | "link_unknown"
  | "link_used"
  | "link_expired"
  | "link_void"
  | "code_refused"
  | "no_access"
  | "rate_limited"
  | "failed";

const PROBLEMS: readonly SignInProblem[] = [
  "link_unknown",
  "link_used",
  "link_expired",
  "link_void",
  "code_refused",
  "no_access",
  "rate_limited",
];

/**
 * Signs a customer in with the link's token or an address and its code: one POST to next-auth's callback, with its
 * CSRF token. Answers null once signed in, or why not.
 */
export async function signInCustomer(
  credentials: { token: string } | { email: string; code: string },
): Promise<SignInProblem | null> {
  try {
    const result = await signIn("customer", { ...credentials, redirect: false });
    // A refused CSRF token sends next-auth back to its sign-in URL with no error: not signed in either.
    if (result?.ok && !result.error && !result.url?.includes("csrf=true")) return null;
    const reason = result?.error ?? "failed";
    return (PROBLEMS as readonly string[]).includes(reason) ? (reason as SignInProblem) : "failed";
  } catch {
    return "failed";
  }
}
