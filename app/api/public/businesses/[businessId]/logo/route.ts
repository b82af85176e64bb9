import { getLogoPng } from "@/lib/server/business-brands";
import { AppError } from "@/lib/server/errors";
import { handleRoute, methodNotAllowed } from "@/lib/server/http";
import { PositiveIdSchema } from "@/lib/validation/registration";

export const dynamic = "force-dynamic";

/** A business's logo, as its pages, e-mails and invoices show it. Public: it is on every e-mail. */
export async function GET(_request: Request, context: { params: Promise<{ businessId: string }> }): Promise<Response> {
  return handleRoute(async () => {
    const businessId = PositiveIdSchema.safeParse((await context.params).businessId);
    const logo = businessId.success ? await getLogoPng(businessId.data) : null;
    if (!logo) throw new AppError("not_found", { detail: "This business has no logo." });
    return new Response(Buffer.from(logo), {
      headers: {
        "Content-Type": "image/png",
        "Cache-Control": "public, max-age=3600",
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}

export const POST = methodNotAllowed("GET");
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
