import { benchRoutesEnabled } from "@/lib/server/bench/bench-routes";
import { jsonResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** The framework's ceiling for `npm run bench`: a route handler that does nothing. Off unless benchmarking. */
export function POST(): Response {
  if (!benchRoutesEnabled()) return new Response(null, { status: 404 });
  return jsonResponse({ ok: true });
}

export const GET = POST;
