import { z } from "@/lib/validation/zod";

import { GuestDetailsSchema } from "@/lib/validation/guest";
import { MAX_INT32 } from "@/lib/validation/patterns";
import { CardSchema } from "@/lib/validation/payment";

const BasketLineInputSchema = z.object({
  productId: z.number().int().positive().max(MAX_INT32),
  quantity: z.number().int().min(1, "Choose at least one").max(100, "At most 100 of one product"),
});

export const GuestCheckoutInputSchema = z.object({
  guest: GuestDetailsSchema,
  lines: z
    .array(BasketLineInputSchema)
    .min(1, "Choose at least one product")
    .max(50, "At most 50 different products")
    .refine((lines) => new Set(lines.map((line) => line.productId)).size === lines.length, "Each product once"),
});
export type GuestCheckoutInput = z.input<typeof GuestCheckoutInputSchema>;

/** What the checkout page submits: the order, the card, and the key that makes a resubmission safe. */
export const PlaceCheckoutSchema = GuestCheckoutInputSchema.extend({
  // One order whatever the case it is written in (a UUID's hex digits are case-insensitive), as basket tokens are.
  orderKey: z.uuid().transform((key) => key.toLowerCase()),
  card: CardSchema,
});

/** The checkout endpoint's answer; a decline is a 402 problem. */
export const PlacedCheckoutResponseSchema = z
  .object({
    status: z
      .enum(["paid", "pending"])
      .meta({ description: "`pending`: the bank confirms the payment later; the completion page waits for it." }),
    invoiceId: z.number().int().positive(),
    completionUrl: z.string().meta({
      description: "The completion page of this order, with a basket token that exists only in this answer.",
      example: "/checkout/complete?invoiceId=42&basketSession=3cf26827-6d6b-4b4c-9a3e-2f1d0c8b7a65",
    }),
  })
  .meta({ id: "PlacedCheckout" });
export type PlacedCheckoutResponse = z.infer<typeof PlacedCheckoutResponseSchema>;
