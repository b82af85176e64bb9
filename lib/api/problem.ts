import { z } from "@/lib/validation/zod";

import { ERROR_CODES } from "./error-codes";

/** The error codes as a zod enum: the server's problem bodies and the OpenAPI document use this one. */
const ErrorCodeSchema = z.enum(ERROR_CODES).meta({
  id: "ErrorCode",
  description:
    "A stable machine code of the error. Its HTTP status is fixed per code; clients switch on the code, not on the words.",
});

/** An error answer (RFC 9457 problem details), `Content-Type: application/problem+json`. */
export const ProblemSchema = z
  .object({
    type: z.string().meta({ description: "`urn:problem:<code>`", example: "urn:problem:basket_token_used" }),
    title: z.string().meta({
      description: "A short summary in words, the same for every answer with this code.",
      example: "Checkout already completed",
    }),
    status: z.number().int().meta({ description: "The HTTP status, repeated.", example: 401 }),
    detail: z
      .string()
      .meta({ description: "What happened, in words a guest understands. Never a stack trace or internal detail." }),
    code: ErrorCodeSchema,
  })
  .meta({ id: "Problem", description: "An error answer (RFC 9457 problem details)." });

export type Problem = z.infer<typeof ProblemSchema>;
