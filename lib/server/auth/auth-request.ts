import "server-only";

import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What next-auth's callbacks need to know about the request they serve and next-auth does not pass them: the
 * client address (for the limits). Set by the POST handler of /api/auth/[...nextauth].
 */
interface AuthRequest {
  clientIp: string;
}

// On globalThis: the route handler and next-auth's callbacks may be in different chunks of the build.
const requests = ((
  globalThis as unknown as { billingAuthRequests?: AsyncLocalStorage<AuthRequest> }
).billingAuthRequests ??= new AsyncLocalStorage<AuthRequest>());

export function withAuthRequest<T>(clientIp: string, handle: () => T): T {
  return requests.run({ clientIp }, handle);
}

/** The request being served, or undefined outside one (a script, a test calling a callback directly). */
export function currentAuthRequest(): AuthRequest | undefined {
  return requests.getStore();
}
