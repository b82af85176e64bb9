import { cachedTextResponse, handleRoute, methodNotAllowed } from "@/lib/server/http";
import { openApiJson } from "@/lib/server/openapi";

export const dynamic = "force-dynamic";

const document = cachedTextResponse(openApiJson, {
  "Content-Type": "application/json",
  "Cache-Control": "public, max-age=300",
});

/** The API's OpenAPI 3.1 description (lib/server/openapi.ts); /docs/api draws it. */
export async function GET(): Promise<Response> {
  return handleRoute(document);
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
