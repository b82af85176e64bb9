import { z } from "zod";

/** Any GUID, in any letter case; normalized to lower case, the form whose hash is stored. */
export const BasketTokenSchema = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID")
  .transform((token) => token.toLowerCase());

const MAX_INT32 = 2_147_483_647;

/** A path segment holding a positive integer id, written canonically (no sign, no leading zero). */
export const PositiveIdSchema = z
  .string()
  .regex(/^[1-9][0-9]{0,9}$/, "must be a positive integer")
  .transform(Number)
  .refine((id) => id <= MAX_INT32, "is too large");

/** 8–255 printable ASCII characters (RFC 9110 field value without control characters). */
export const IdempotencyKeySchema = z.string().regex(/^[\x20-\x7e]{8,255}$/, "must be 8–255 printable characters");

export const InvoiceIdSchema = PositiveIdSchema;
