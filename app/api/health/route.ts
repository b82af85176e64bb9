import { checkDatabase } from "@/lib/server/health";
import { jsonResponse } from "@/lib/server/http";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const healthy = await checkDatabase();
  return healthy ? jsonResponse({ status: "ok" }) : jsonResponse({ status: "unavailable" }, { status: 503 });
}
