import type { RegistrationRefusal } from "@/lib/validation/registration";

/**
 * What the staff dry run answers (docs/contract.md §4.3): what the guest's link would do now, and for a paid checkout
 * nobody registered yet, when the server registers it itself if no page does (`serverRegistersAt`, an ISO instant).
 */
export type DryRunResponse =
  | { kind: "refused"; code: RegistrationRefusal; status: number }
  | { kind: "would_create_customer"; serverRegistersAt: string | null }
  | { kind: "would_link_customer"; customerId: number; customerName: string; serverRegistersAt: string | null }
  /** The server registered the guest; the link would be answered with a token for that customer, once. */
  | { kind: "would_hand_out_token"; customerId: number; registeredAt: string };
