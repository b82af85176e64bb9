"use client";

import { useRef, useState, type FormEvent } from "react";

import { endpoints } from "@/lib/api/endpoints";
import type { ErrorCode } from "@/lib/api/error-codes";
import { ApiError, httpClient } from "@/lib/api/http-client";
import type { Messages } from "@/lib/i18n/messages";
import { PlaceCheckoutSchema } from "@/lib/validation/checkout";
import { LINE_BREAK_REASON } from "@/lib/validation/guest";
import { CardSchema, INCOMPLETE_CARD_NUMBER_REASON } from "@/lib/validation/payment";

export const MAX_QUANTITY = 20;

/** The id of the input of a payload's field (`guest.email` → `field-guest-email`), which the form focuses. */
export function fieldId(path: string): string {
  return `field-${path.replace(/\./g, "-")}`;
}

type ErrorKey = keyof Messages["checkout"]["errors"];

/**
 * What the form says, kept as a message and its values rather than as words: a guest who switches language
 * afterwards reads it in the new one.
 */
export interface Said {
  key: `errors.${ErrorKey}` | "declined" | "fixFields" | "unreachable" | ReturnType<typeof failureKeyOf>;
  values?: { max: number };
}

/** What the form says about each field, by the field's path in the checkout's payload (`guest.email`, `lines`). */
export type FieldErrors = Partial<Record<string, Said>>;

/** The order as the form holds it: its lines, the guest's fields as typed and the card. */
interface OrderDraft {
  lines: readonly { productId: number; quantity: number }[];
  guest: Readonly<Record<string, string>>;
  card: { number: string; expiry: string; cvc: string };
  /** The field to focus when the order has no lines. */
  firstQuantityField: string;
}

/**
 * What to tell the guest about one problem the checkout's schema found, in their language: by the field it is
 * about and the kind of problem (the schema's own words are the API's, in English), with the limit it broke.
 */
function problemOf(issue: {
  path: PropertyKey[];
  code: string;
  maximum?: unknown;
  params?: Record<string, unknown>;
}): [ErrorKey, { max: number }] {
  const path = issue.path.join(".");
  const max = { max: Number(issue.maximum ?? 0) };
  const tooLong = issue.code === "too_big";
  if (path === "lines") return ["lines", max];
  if (path.startsWith("lines.")) return ["quantity", { max: tooLong ? max.max : MAX_QUANTITY }];
  switch (path) {
    case "guest.email":
      return [issue.code === "too_small" || issue.code === "invalid_type" ? "emailMissing" : "email", max];
    case "guest.billingCountry":
      return ["billingCountry", max];
    case "card.number":
      if (issue.code !== "custom") return ["cardNumber", max];
      return [
        issue.params?.reason === INCOMPLETE_CARD_NUMBER_REASON ? "cardNumberIncomplete" : "cardNumberInvalid",
        max,
      ];
    case "card.expiry":
      return [issue.code === "custom" ? "cardExpired" : "cardExpiry", max];
    case "card.cvc":
      return ["cardCvc", max];
  }
  if (tooLong) return ["tooLong", max];
  if (issue.params?.reason === LINE_BREAK_REASON) return ["oneLine", max];
  if (path === "guest.fullName" && (issue.code === "too_small" || issue.code === "invalid_type"))
    return ["fullName", max];
  return ["controlCharacters", max];
}

/** The form's message for an answer of the checkout endpoint other than success (a decline is shown at the card). */
function failureKeyOf(code: ErrorCode | null): "inProgress" | "alreadyCompleted" | "rateLimited" | "failed" {
  switch (code) {
    case "checkout_in_progress":
      return "inProgress";
    case "order_already_completed":
      return "alreadyCompleted";
    case "rate_limited":
      return "rateLimited";
    default:
      return "failed";
  }
}

/** How often the form asks again while another submission of its order is being charged (409 with Retry-After). */
const IN_PROGRESS_ATTEMPTS = 8;

/** Runs `post` again, after the Retry-After the server gave, while it answers that the order is being charged. */
async function untilNotInProgress<T>(post: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await post();
    } catch (error) {
      if (!(error instanceof ApiError && error.code === "checkout_in_progress") || attempt >= IN_PROGRESS_ATTEMPTS)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(5, error.retryAfterSeconds ?? 1) * 1000));
    }
  }
}

/** The schema's problems with a payload, one per field (the first), and the field to focus. */
function fieldErrorsOf(issues: Parameters<typeof problemOf>[0][]): FieldErrors {
  const found: FieldErrors = {};
  for (const issue of issues) {
    const [key, values] = problemOf(issue);
    found[issue.path.join(".")] ??= { key: `errors.${key}`, values };
  }
  return found;
}

type CardField = keyof OrderDraft["card"];

/** What the form says about one card field as it holds it, checked alone with the server's schema; null when nothing. */
export function cardFieldProblem(field: CardField, value: string): Said | null {
  const parsed = CardSchema.shape[field].safeParse(value);
  if (parsed.success) return null;
  const [issue] = parsed.error.issues;
  if (!issue) return null;
  const [key, values] = problemOf({ ...issue, path: ["card", field, ...issue.path] });
  return { key: `errors.${key}`, values };
}

/**
 * The checkout's submission: the order's key, checked against the server's own schema before it is sent, one
 * submission at a time. A resubmission of an unchanged order (same lines, same guest) reuses its key, so the server
 * never charges it twice; a changed order is a new one. On success the browser goes to the completion link.
 */
export function useCheckoutSubmission(draft: OrderDraft) {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<Said | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const inFlight = useRef(false);
  const order = useRef<{ key: string; fingerprint: string } | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (inFlight.current) return;

    const { lines, guest, card } = draft;
    // Optional fields left empty are left out; the required ones go as typed, so their messages are specific.
    const guestInput = Object.fromEntries(
      Object.entries(guest).filter(([name, value]) => name === "fullName" || name === "email" || value.trim() !== ""),
    );
    const fingerprint = JSON.stringify([lines, guestInput]);
    if (order.current?.fingerprint !== fingerprint) order.current = { key: crypto.randomUUID(), fingerprint };
    const payload = { orderKey: order.current.key, guest: guestInput, lines, card };

    const parsed = PlaceCheckoutSchema.safeParse(payload);
    if (!parsed.success) {
      const found = fieldErrorsOf(parsed.error.issues);
      setErrors(found);
      setFormError({ key: "fixFields" });
      const first = Object.keys(found)[0];
      if (first) document.getElementById(fieldId(first === "lines" ? draft.firstQuantityField : first))?.focus();
      return;
    }

    setErrors({});
    setFormError(null);
    inFlight.current = true;
    setSubmitting(true);
    try {
      const endpoint = endpoints.checkout.place();
      const { data } = await untilNotInProgress(() => httpClient.post<typeof endpoint.type>(endpoint.url, payload));
      window.location.assign(data.completionUrl);
      return; // keep the button disabled while the next page loads
    } catch (error) {
      if (error instanceof ApiError && error.code === "payment_declined") {
        setErrors({ "card.number": { key: "declined" } });
        document.getElementById(fieldId("card.number"))?.focus();
      } else if (error instanceof ApiError) {
        setFormError({ key: failureKeyOf(error.code) });
      } else {
        setFormError({ key: "unreachable" });
      }
    }
    inFlight.current = false;
    setSubmitting(false);
  }

  /**
   * A card field was left (`left`) or changed: a field that was left shows what is wrong with it; one being typed
   * in shows nothing new, and loses its message once it is right. A field left empty says nothing until Pay.
   */
  function checkCardField(field: CardField, value: string, left: boolean) {
    const path = `card.${field}`;
    const problem = cardFieldProblem(field, value);
    setErrors((current) => {
      if (problem) return left && value.trim() !== "" ? { ...current, [path]: problem } : current;
      if (left || !current[path]) return current; // leaving it right keeps a decline's message until it changes
      const next = { ...current };
      delete next[path];
      return next;
    });
  }

  return { errors, formError, submitting, submit, checkCardField };
}
