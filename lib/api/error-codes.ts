/**
 * Every error code the API answers with, and its HTTP status: one list for the server (`AppError`, the problem
 * bodies), the OpenAPI document (`ErrorCodeSchema`, lib/api/problem.ts) and the browser (`ApiError.code`), so a
 * client's switch over the codes is checked by the compiler. Plain data, so pages get it without zod.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  idempotency_key_invalid: 400,
  webhook_signature_invalid: 400,
  basket_token_invalid: 401,
  basket_token_used: 401,
  basket_token_expired: 401,
  invoice_token_invalid: 401,
  invoice_token_expired: 401,
  unauthorized: 401,
  payment_declined: 402,
  cross_site_request: 403,
  invoice_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  payment_pending: 409,
  checkout_in_progress: 409,
  order_already_completed: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_STATUS, value);
}
