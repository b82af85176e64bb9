import "server-only";

/**
 * The data layer. Its one rule:
 *
 *   **Every transaction is a transaction script run by `runTransaction` (or `runReadOnly`, `runOneWrite`,
 *   `runAsyncCommit`); Prisma runs single statements only.**
 *
 * On SQLite that means no transaction is ever open on the connection across an await: scripts run synchronously
 * from BEGIN to COMMIT (the writing ones queued and run together at the end of the event loop's turn, in one
 * transaction with a savepoint each; transaction.ts), so no other statement of the process can join a transaction,
 * be rolled back with it or wait for it, and reads never wait for a write. It holds by construction:
 * - `Db` has no `$transaction` and none of the bulk operations Prisma wraps in one, and both adapters refuse to
 *   begin a transaction at run time (an operation that would need one, such as a nested write, fails at once
 *   instead of holding the connection);
 * - a script is a generator (script.ts): it cannot await, so it cannot hold its transaction open while waiting.
 * On PostgreSQL the same scripts run on one pooled client each; the rule keeps both databases on one code path.
 * `runOneWrite` and `runAsyncCommit` are PostgreSQL's hot paths (no BEGIN/COMMIT for a script whose one write is
 * its last statement; the rate-limit counters without waiting for the disk) and run as `runTransaction` on SQLite.
 *
 * Everything the layer keeps for the process — the client, the driver connection, the prepared statements, the
 * write queue — lives on globalThis (`processWide` in client.ts), so every copy of these modules in a build shares it.
 */
export { Prisma } from "@/lib/generated/sqlite/client";
export { disconnectDb, getDb, getDriver, PrismaTransactionRefused, type Db } from "@/lib/server/db/client";
export {
  canBeginWriteTransaction,
  runAsyncCommit,
  runOneWrite,
  runReadOnly,
  runTransaction,
} from "@/lib/server/db/transaction";
export { execute, query, type SqlScript, type Statement } from "@/lib/server/db/script";

/**
 * A unique constraint stopped the write (another request created the same row first), in any of the forms it
 * arrives in: Prisma's P2002, SQLite's constraint codes, PostgreSQL's 23505.
 */
export function isUniqueViolation(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return (
    code === "P2002" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    code === "23505"
  );
}
