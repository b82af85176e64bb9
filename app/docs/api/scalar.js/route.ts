import { scalarBundle } from "@/lib/server/api-reference";

/** Scalar's API reference bundle for /docs/api (lib/server/api-reference.ts), served from this origin. */
export function GET(): Promise<Response> {
  return scalarBundle();
}
