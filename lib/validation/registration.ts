import type { ErrorCode } from "@/lib/api/error-codes";
import { GUID_PATTERN, MAX_INT32, POSITIVE_ID_PATTERN } from "@/lib/validation/patterns";
import { z } from "@/lib/validation/zod";

/** Any GUID, in any letter case; normalized to lower case, the form whose hash is stored. */
export const BasketTokenSchema = z
  .string()
  .regex(GUID_PATTERN, "must be a GUID")
  .transform((token) => token.toLowerCase());

/** A path segment holding a positive integer id, written canonically (no sign, no leading zero). */
export const PositiveIdSchema = z
  .string()
  .regex(POSITIVE_ID_PATTERN, "must be a positive integer")
  .transform(Number)
  .refine((id) => id <= MAX_INT32, "is too large");

export const InvoiceIdSchema = PositiveIdSchema;

/** 8–255 printable ASCII characters (RFC 9110 field value without control characters). */
export const IdempotencyKeySchema = z.string().regex(/^[\x20-\x7e]{8,255}$/, "must be 8–255 printable characters");

/** registerByToken's answer: the invoice-scoped token, under exactly this key. */
export const RegistrationTokenSchema = z
  .object({
    Token: z
      .string()
      .meta({ description: "The invoice token (a JWT) for pdfByToken and summaryByToken on this invoice." }),
  })
  .meta({ id: "RegistrationToken" });
export type RegistrationToken = z.infer<typeof RegistrationTokenSchema>;

/** The refusals of registerByToken's checks (docs/contract.md §3.1, steps 1–6). */
export type RegistrationRefusal = Extract<
  ErrorCode,
  | "basket_token_invalid"
  | "invoice_not_found"
  | "basket_token_used"
  | "basket_token_expired"
  | "payment_declined"
  | "payment_pending"
>;
