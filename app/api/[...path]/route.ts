import { problemBody, problemResponse } from "@/lib/server/errors";

/** Any address under /api that no route serves: a problem body rather than the HTML 404 page. */
function notFound(): Response {
  return problemResponse(problemBody("not_found", "No API endpoint at this address."));
}

export const GET = notFound;
export const POST = notFound;
export const PUT = notFound;
export const PATCH = notFound;
export const DELETE = notFound;
