import { checkDatabase } from "@/lib/server/health";
import { jsonResponse, methodNotAllowed } from "@/lib/server/http";
import type { Health } from "@/lib/validation/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const healthy = await checkDatabase();
  return healthy
    ? jsonResponse({ status: "ok" } satisfies Health)
    : jsonResponse({ status: "unavailable" } satisfies Health, { status: 503 });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
