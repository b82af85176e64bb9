import "server-only";

import type Database from "better-sqlite3";

/**
 * Group commit for the transaction scripts on SQLite. A COMMIT writes every page the transaction changed to the
 * write-ahead log, one write per page: most of what a registration costs. So the scripts that run in one turn of
 * the event loop share one transaction and one COMMIT at the end of that turn, the way a database server
 * commits concurrent transactions together:
 *
 * - each script still runs synchronously, start to end, so nothing interleaves with it; it runs inside a
 *   SAVEPOINT, so a script that fails takes back its own statements and only them;
 * - a script's promise settles only once the shared COMMIT is done: nothing is reported as done before it is
 *   durable, and if the COMMIT fails, every script of the group fails with it;
 * - the group commits early, before anything else uses the connection: Prisma shares it, and its statements
 *   and transactions must never run inside the group (db.ts hands Prisma the connection through
 *   `committingGroupBeforeUse`).
 *
 * Savepoints keep the pages they may have to restore in a sub-journal; the connection keeps it in memory
 * (`temp_store = MEMORY`, set in db.ts) — in a temporary file, it would cost more than the grouping saves.
 */

interface Group {
  readonly committed: Promise<void>;
  settle(error?: unknown): void;
}

const openGroups = new WeakMap<Database.Database, Group>();

/** Prepared statements by SQL text, per connection; scripts' statements have fixed texts, so this stays small. */
const preparedByConnection = new WeakMap<Database.Database, Map<string, Database.Statement>>();
const MAX_PREPARED = 500;

export function prepared(connection: Database.Database, sql: string): Database.Statement {
  let cache = preparedByConnection.get(connection);
  if (!cache) preparedByConnection.set(connection, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= MAX_PREPARED) cache.clear();
    statement = connection.prepare(sql).safeIntegers(false);
    cache.set(sql, statement);
  }
  return statement;
}

/** Whether a transaction open on the connection is the scripts' group (and not one of Prisma's). */
export function groupIsOpen(connection: Database.Database): boolean {
  return openGroups.has(connection);
}

/**
 * Runs `work` synchronously in the connection's open group (opening one if none is), and resolves with its
 * result once the group has committed. Throws at once, with nothing of `work` kept, when `work` throws.
 */
export function runInGroup<T>(connection: Database.Database, work: () => T): Promise<T> {
  const group = openGroups.get(connection) ?? openGroup(connection);
  prepared(connection, "SAVEPOINT script").run();
  let result: T;
  try {
    result = work();
    prepared(connection, "RELEASE script").run();
  } catch (error) {
    if (connection.inTransaction) {
      prepared(connection, "ROLLBACK TO script").run();
      prepared(connection, "RELEASE script").run();
    } else {
      // SQLite rolled the whole transaction back itself (an I/O error, a full disk): the group is lost.
      openGroups.delete(connection);
      group.settle(error);
    }
    throw error;
  }
  return group.committed.then(() => result);
}

/** Commits the connection's open group now, if there is one. A failed COMMIT fails the group's scripts, not the caller. */
export function commitOpenGroup(connection: Database.Database): void {
  const group = openGroups.get(connection);
  if (!group) return;
  openGroups.delete(connection);
  try {
    prepared(connection, "COMMIT").run();
  } catch (error) {
    // Some failures (a deferred constraint) leave the transaction open; it must end either way.
    if (connection.inTransaction) prepared(connection, "ROLLBACK").run();
    group.settle(error);
    return;
  }
  group.settle();
}

function openGroup(connection: Database.Database): Group {
  // IMMEDIATE takes the write lock up front, as a read-then-write transaction must.
  prepared(connection, "BEGIN IMMEDIATE").run();
  let settle!: Group["settle"];
  const committed = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error(String(error))));
  });
  // A group whose scripts all failed has no one waiting on it.
  committed.catch(() => {});
  const group: Group = { committed, settle };
  openGroups.set(connection, group);
  // The end of this turn of the event loop: after the I/O callbacks of this turn, whose requests join the group.
  setImmediate(() => {
    if (openGroups.get(connection) === group) commitOpenGroup(connection);
  });
  return group;
}

/**
 * The connection as Prisma should see it: any use of it first commits the scripts' open group, so that
 * Prisma's statements never join the group and its BEGIN never finds a transaction already open.
 */
export function committingGroupBeforeUse(connection: Database.Database): Database.Database {
  return new Proxy(connection, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        commitOpenGroup(target);
        return (value as (...args: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
