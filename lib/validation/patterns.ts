/**
 * The shapes of the ids in a checkout link, as plain patterns: the zod schemas are built on them, and the
 * completion page uses them directly so that it ships without zod (it is the page whose weight is measured).
 */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A positive integer id, written canonically (no sign, no leading zero), that fits a 32-bit column. */
export const POSITIVE_ID_PATTERN = /^[1-9][0-9]{0,9}$/;
export const MAX_INT32 = 2_147_483_647;

export function parsePositiveId(value: string | null | undefined): number | null {
  if (!value || !POSITIVE_ID_PATTERN.test(value)) return null;
  const id = Number(value);
  return id <= MAX_INT32 ? id : null;
}

export function parseGuid(value: string | null | undefined): string | null {
  return value && GUID_PATTERN.test(value) ? value.toLowerCase() : null;
}
