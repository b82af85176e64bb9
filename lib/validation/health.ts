import { z } from "@/lib/validation/zod";

/** What /api/health answers: "ok" (200) when a write transaction can begin, "unavailable" (503) when not. */
export const HealthSchema = z.object({ status: z.enum(["ok", "unavailable"]) }).meta({ id: "Health" });
export type Health = z.infer<typeof HealthSchema>;
