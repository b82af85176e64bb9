import { handleRoute, methodNotAllowed } from "@/lib/server/http";
import { openApiJson } from "@/lib/server/openapi";

export const dynamic = "force-dynamic";

/** The API's OpenAPI 3.1 description (lib/server/openapi.ts); /docs/api draws it. */
export async function GET(): Promise<Response> {
  return handleRoute(async () => new Response(openApiJson(), { headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" } }));
}

export const POST = methodNotAllowed("GET");
