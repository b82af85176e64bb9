import "server-only";

/**
 * The declared columns of a statement's rows, and their readers. A driver's values differ by database: SQLite
 * returns dates as the ISO text Prisma stored and integers as numbers; PostgreSQL returns dates as Date and
 * 64-bit integers as text. Each reader accepts every form its column can arrive in and throws on anything else,
 * so a row either decodes into its declared type or fails loudly, naming the column.
 */

/** A row's declared columns: for each one, the reader of its value. */
export type Columns<T> = { readonly [K in keyof T]: (value: unknown) => T[K] };

/** Decodes a driver's row through its declared columns: the one place a row's values are read. */
export function decodeRow<T>(columns: Columns<T>, row: Readonly<Record<string, unknown>>): T {
  const decoded = {} as T;
  for (const name in columns) {
    try {
      decoded[name] = columns[name](row[name]);
    } catch (error) {
      throw new TypeError(`column "${name}": ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return decoded;
}

export function int(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "bigint" || (typeof value === "string" && /^-?\d+$/.test(value))) {
    const number = Number(value);
    if (Number.isSafeInteger(number)) return number;
  }
  throw new TypeError(`expected an integer, got ${typeof value}`);
}

export function intOrNull(value: unknown): number | null {
  return value === null ? null : int(value);
}

export function text(value: unknown): string {
  if (typeof value === "string") return value;
  throw new TypeError(`expected text, got ${typeof value}`);
}

export function textOrNull(value: unknown): string | null {
  return value === null ? null : text(value);
}

export function date(value: unknown): Date {
  const parsed = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (parsed && !Number.isNaN(parsed.getTime())) return parsed;
  throw new TypeError(`expected a date, got ${typeof value}`);
}

export function dateOrNull(value: unknown): Date | null {
  return value === null ? null : date(value);
}

/** How Prisma stores a DateTime in SQLite (text that sorts and compares in time order). */
export function sqliteTimestamp(value: Date): string {
  return value.toISOString().replace("Z", "+00:00");
}

/** A truth value: PostgreSQL's boolean, or SQLite's 0 and 1. */
export function bool(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1) return value === 1;
  throw new TypeError(`expected a boolean, got ${typeof value}`);
}
