import { registerByToken } from "@/lib/server/billing/register-by-token";
import { AppError } from "@/lib/server/errors";
import { clientIpOf, handleRoute, ignoreBody, jsonResponse, methodNotAllowed } from "@/lib/server/http";
import { IdempotencyKeySchema, type RegistrationToken } from "@/lib/validation/registration";

export const dynamic = "force-dynamic";

/** docs/contract.md §3.1. The body is ignored (but not beyond 64 KB: 413); the basket GUID travels in `?token=`. */
export async function POST(request: Request, context: { params: Promise<{ invoiceId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    await ignoreBody(request);
    const { invoiceId } = await context.params;
    const tokens = new URL(request.url).searchParams.getAll("token");
    const rawKey = request.headers.get("idempotency-key");
    const idempotencyKey = rawKey === null ? null : IdempotencyKeySchema.safeParse(rawKey);
    if (idempotencyKey && !idempotencyKey.success) throw new AppError("idempotency_key_invalid");

    const { token } = await registerByToken({
      invoiceId,
      token: tokens.length === 1 ? (tokens[0] ?? null) : null,
      idempotencyKey: idempotencyKey?.data ?? null,
      clientIp: clientIpOf(request),
    });
    return jsonResponse({ Token: token } satisfies RegistrationToken);
  });
}

export const GET = methodNotAllowed("POST");
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
