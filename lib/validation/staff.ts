import type { RegistrationRefusal } from "@/lib/validation/registration";

/** What the staff dry run answers (docs/contract.md §4.3). */
export type DryRunResponse =
  | { kind: "refused"; code: RegistrationRefusal; status: number }
  | { kind: "would_create_customer" }
  | { kind: "would_link_customer"; customerId: number; customerName: string };
