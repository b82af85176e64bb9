import "server-only";

/**
 * Readers for the values of a driver's row, which differ by database: SQLite returns dates as the ISO text
 * Prisma stored and integers as numbers; PostgreSQL returns dates as Date and 64-bit integers as text.
 * Each reader accepts every form its column can arrive in and throws on anything else.
 */

export function int(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "bigint" || (typeof value === "string" && /^-?\d+$/.test(value))) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return number;
  }
  throw new TypeError(`expected an integer column, got ${typeof value}`);
}

export function intOrNull(value: unknown): number | null {
  return value === null ? null : int(value);
}

export function text(value: unknown): string {
  if (typeof value === "string") return value;
  throw new TypeError(`expected a text column, got ${typeof value}`);
}

export function textOrNull(value: unknown): string | null {
  return value === null ? null : text(value);
}

export function date(value: unknown): Date {
  const parsed = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (parsed && !Number.isNaN(parsed.getTime())) return parsed;
  throw new TypeError(`expected a date column, got ${typeof value}`);
}

export function dateOrNull(value: unknown): Date | null {
  return value === null ? null : date(value);
}

/** How Prisma stores a DateTime in SQLite (text that sorts and compares in time order). */
export function sqliteTimestamp(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}
