import "server-only";

import { createHash } from "node:crypto";

import type Database from "better-sqlite3";
import pg from "pg";

import { BuiltStatement } from "@/lib/server/db/builder";
import { getDriver, prepared, processWide } from "@/lib/server/db/client";
import { sqliteTimestamp } from "@/lib/server/db/columns";
import type { SqlScript, Statement } from "@/lib/server/db/script";
import { logger } from "@/lib/server/logger";

/**
 * The ways to run a transaction script (script.ts): `runTransaction` for a script that writes, `runReadOnly` for
 * one that only reads, and two for PostgreSQL's hot paths, which run as `runTransaction` on SQLite:
 * `runOneWrite` for a script whose only write is its last statement, `runAsyncCommit` for the rate-limit counters.
 *
 * SQLite: scripts run on the connection Prisma uses, always synchronously from BEGIN to COMMIT, so no transaction
 * is ever open on it across an await. A writing script is queued, and the scripts queued during one turn of the
 * event loop run together at its end, in one transaction (BEGIN IMMEDIATE: the write lock up front) with one
 * COMMIT, each inside a SAVEPOINT: a script that fails takes back only its own statements, and each promise settles
 * only once the COMMIT is done (a failed COMMIT fails them all). A COMMIT writes every page its transaction
 * changed to the write-ahead log, so sharing it is most of what a burst of registrations saves (docs/benchmarks.md).
 * A reading script runs at once, in a deferred BEGIN: one consistent snapshot, no write lock, never waiting for a
 * writer in WAL mode, and never seeing a queued script's writes before they are committed.
 * PostgreSQL: on one client of the shared pool; a writing script in a READ COMMITTED transaction of its own (the
 * server groups commits itself), a reading one statement by statement, each seeing what was committed when it ran.
 */
export async function runTransaction<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  return driver.provider === "sqlite"
    ? queueOnSqlite(driver.connection, script)
    : runOnPostgres(driver.pool, script, "transaction");
}

export async function runReadOnly<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  if (driver.provider === "postgresql") return runOnPostgres(driver.pool, script, "reads");
  const { connection } = driver;
  assertNoTransactionOpen(connection);
  prepared(connection, "BEGIN").run();
  try {
    return runScript(connection, script);
  } finally {
    if (connection.inTransaction) prepared(connection, "COMMIT").run();
  }
}

/**
 * A script that reads, then writes with one statement (data-modifying CTEs make one statement of several
 * changes): on PostgreSQL its statements are sent one by one, with no BEGIN and no COMMIT, two round trips
 * fewer. That is sound because one statement is atomic on its own, and a read before it sees what it would have
 * seen as a statement of a READ COMMITTED transaction: what was committed when it ran. A statement after the
 * write is refused before it is sent (a SELECT is a read; any other statement writes), so a script that breaks
 * the rule fails on its first run, on PostgreSQL. SQLite: as `runTransaction`.
 */
export async function runOneWrite<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  return driver.provider === "sqlite"
    ? queueOnSqlite(driver.connection, script)
    : runOnPostgres(driver.pool, script, "one-write");
}

/**
 * `runOneWrite` for what may be lost in a crash of the database server but must never wait on a disk: the
 * rate-limit counters (rate-limit.ts). PostgreSQL: on the counter pool, whose sessions run with
 * `synchronous_commit = off`, so a COMMIT returns before its WAL record is flushed; a server crash can lose the
 * last fraction of a second of charges, nothing else, and never leaves one half-written. Every request from one
 * address updates the same row, and the row is locked until its statement commits: waiting for a flush, those
 * requests would run one flush at a time. SQLite: as `runTransaction`.
 */
export async function runAsyncCommit<T>(script: () => SqlScript<T>): Promise<T> {
  const driver = await getDriver();
  return driver.provider === "sqlite"
    ? queueOnSqlite(driver.connection, script)
    : runOnPostgres(driver.counterPool, script, "one-write");
}

// ---- SQLite ----

function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return sqliteTimestamp(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  return value ?? null;
}

function runScript<T>(connection: Database.Database, script: () => SqlScript<T>): T {
  const steps = script();
  let next = steps.next();
  while (!next.done) {
    const { statement, returns } = next.value;
    const { sql, values, built } = forSqlite(statement);
    const compiled = prepared(connection, sql);
    const bound = values.map(sqliteValue);
    if (returns === "changes") {
      next = steps.next(compiled.run(...bound).changes);
      continue;
    }
    const rows = compiled.all(...bound) as Record<string, unknown>[];
    next = steps.next(built ? readSqliteRows(compiled, rows) : rows);
  }
  return next.value;
}

function forSqlite(statement: Statement) {
  if (statement instanceof BuiltStatement) return { ...statement.compiledFor("sqlite"), built: true };
  return { sql: statement.sql, values: statement.values, built: false };
}

/**
 * A built statement's rows as its columns' types (builder.ts): SQLite stores a DateTime as ISO text and a Boolean
 * as 0 or 1, and its statement knows each result column's declared type. A computed column has none and is
 * returned as it is.
 */
type RowReader = { name: string; read: (value: unknown) => unknown }[];
const rowReaders = new WeakMap<Database.Statement, RowReader>();
function readSqliteRows(statement: Database.Statement, rows: Record<string, unknown>[]): Record<string, unknown>[] {
  let readers = rowReaders.get(statement);
  if (!readers) {
    readers = statement
      .columns()
      .map(({ name, type }) => ({ name, read: sqliteReader(type) }))
      .filter(({ read }) => read !== asStored);
    rowReaders.set(statement, readers);
  }
  for (const row of rows) for (const { name, read } of readers) row[name] = read(row[name]);
  return rows;
}

const asStored = (value: unknown) => value;

function sqliteReader(declaredType: string | null): (value: unknown) => unknown {
  switch (declaredType?.toUpperCase()) {
    case "DATETIME":
      return (value) => (typeof value === "string" ? new Date(value) : value);
    case "BOOLEAN":
      return (value) => (value === 0 || value === 1 ? value === 1 : value);
    default:
      return asStored;
  }
}

/** Cannot happen while every transaction is a script run here: nothing else may begin one on this connection. */
function assertNoTransactionOpen(connection: Database.Database): void {
  if (connection.inTransaction) throw new Error("a transaction is already open on the SQLite connection");
}

interface QueuedScript {
  run: () => unknown;
  resolve: (value: never) => void;
  reject: (error: unknown) => void;
}

interface WriteQueue {
  scripts: QueuedScript[];
  /** A drain is scheduled (or waiting for the write lock): new scripts join it. */
  draining: boolean;
}

/** At most this many scripts share a transaction; the rest run in the next one, a turn later. */
const MAX_BATCH = 256;
/** How long a batch waits for another process's write lock before its scripts fail (SQLITE_BUSY). */
const WRITE_LOCK_WAIT_MS = 5000;

function writeQueue(connection: Database.Database): WriteQueue {
  const queues = processWide("sqliteWriteQueues", () => new WeakMap<Database.Database, WriteQueue>());
  let queue = queues.get(connection);
  if (!queue) queues.set(connection, (queue = { scripts: [], draining: false }));
  return queue;
}

function queueOnSqlite<T>(connection: Database.Database, script: () => SqlScript<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const queue = writeQueue(connection);
    queue.scripts.push({
      run: () => runScript(connection, script),
      resolve: resolve as (value: never) => void,
      reject,
    });
    if (!queue.draining) {
      queue.draining = true;
      setImmediate(drain, connection, 0);
    }
  });
}

const isBusy = (error: unknown) => String((error as { code?: unknown } | null)?.code ?? "").startsWith("SQLITE_BUSY");

/**
 * BEGIN IMMEDIATE without waiting: false when another process holds the write lock. SQLite's own busy wait would
 * sleep inside the call and freeze every request of this process; the callers wait between tries instead.
 */
function tryBeginImmediate(connection: Database.Database): boolean {
  assertNoTransactionOpen(connection);
  const busyTimeout = connection.pragma("busy_timeout", { simple: true }) as number;
  connection.pragma("busy_timeout = 0");
  try {
    prepared(connection, "BEGIN IMMEDIATE").run();
    return true;
  } catch (error) {
    if (isBusy(error)) return false;
    throw error;
  } finally {
    connection.pragma(`busy_timeout = ${busyTimeout}`);
  }
}

/**
 * Runs the queued scripts, MAX_BATCH at a time, each batch in one transaction, synchronous from BEGIN to COMMIT.
 * While another process holds the write lock, it tries again a few milliseconds later (scripts queued meanwhile
 * join the batch), for at most WRITE_LOCK_WAIT_MS.
 */
function drain(connection: Database.Database, waitedMs: number): void {
  const queue = writeQueue(connection);
  let begun: boolean;
  try {
    begun = tryBeginImmediate(connection);
  } catch (error) {
    settleBatch(queue.scripts.splice(0, MAX_BATCH), error);
    continueDraining(connection, queue);
    return;
  }
  if (!begun) {
    if (waitedMs < WRITE_LOCK_WAIT_MS) {
      const delay = Math.min(50, 1 + waitedMs / 4);
      setTimeout(drain, delay, connection, waitedMs + delay);
      return;
    }
    settleBatch(
      queue.scripts.splice(0, MAX_BATCH),
      new Error(`the SQLite database stayed locked by another process for ${WRITE_LOCK_WAIT_MS} ms`),
    );
    continueDraining(connection, queue);
    return;
  }
  const batch = queue.scripts.splice(0, MAX_BATCH);
  let outcomes: (() => void)[];
  try {
    outcomes = runBatch(connection, batch);
  } catch (error) {
    // A savepoint or the COMMIT failed, or SQLite rolled the whole transaction back itself (an I/O error, a full
    // disk): nothing of the batch is kept, and every script of it fails. Some failures (a deferred constraint at
    // COMMIT) leave the transaction open; it must end either way.
    try {
      if (connection.inTransaction) prepared(connection, "ROLLBACK").run();
    } catch (rollbackError) {
      logger.error("SQLite ROLLBACK failed after a failed batch of transaction scripts", { error: rollbackError });
    }
    settleBatch(batch, error);
    continueDraining(connection, queue);
    return;
  }
  for (const settle of outcomes) settle();
  continueDraining(connection, queue);
}

function settleBatch(batch: QueuedScript[], error: unknown): void {
  for (const queued of batch) queued.reject(error);
}

function continueDraining(connection: Database.Database, queue: WriteQueue): void {
  if (queue.scripts.length > 0) setImmediate(drain, connection, 0);
  else queue.draining = false;
}

/** The rest of the batch's transaction, once begun; returns how to settle each script once it is committed. */
function runBatch(connection: Database.Database, batch: QueuedScript[]): (() => void)[] {
  const outcomes: (() => void)[] = [];
  for (const queued of batch) {
    prepared(connection, "SAVEPOINT script").run();
    try {
      const value = queued.run();
      prepared(connection, "RELEASE script").run();
      outcomes.push(() => queued.resolve(value as never));
    } catch (error) {
      if (!connection.inTransaction) throw error;
      prepared(connection, "ROLLBACK TO script").run();
      prepared(connection, "RELEASE script").run();
      outcomes.push(() => queued.reject(error));
    }
  }
  prepared(connection, "COMMIT").run();
  return outcomes;
}

// ---- PostgreSQL ----

/** Prisma stores DateTime as UTC in `timestamp(3)`: read it back as UTC, whatever the process's time zone. */
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: (oid, format) =>
    oid === pg.types.builtins.TIMESTAMP
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format),
};

/** Dates are sent as UTC ISO text, which a `timestamp` column takes as UTC wall time — as Prisma writes them. */
function pgValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/** "transaction": BEGIN … COMMIT; "reads": statement by statement; "one-write": the same, refusing a statement after a write. */
type PostgresMode = "transaction" | "reads" | "one-write";

/** A plain SELECT; one that locks rows (FOR UPDATE, FOR SHARE …) counts as a write, since alone it would lock nothing. */
const isRead = (sql: string) =>
  /^\s*SELECT\b/i.test(sql) && !/\bFOR\s+(NO\s+KEY\s+)?(UPDATE|SHARE|KEY\s+SHARE)\b/i.test(sql);

/**
 * Scripts' statements are prepared on the server, once per connection, under a name derived from their text: a
 * registration's statements are then only bound and run, not parsed and planned again (a third of PostgreSQL's
 * CPU per registration, docs/benchmarks.md). Their texts are fixed, bar lists of values (`IN (…)`), so each
 * connection holds a few dozen.
 */
const preparedNames = new Map<string, string>();
function preparedName(text: string): string {
  let name = preparedNames.get(text);
  if (!name) {
    name = `s_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
    if (preparedNames.size >= 1000) preparedNames.clear();
    preparedNames.set(text, name);
  }
  return name;
}

function forPostgres(statement: Statement): { text: string; values: readonly unknown[] } {
  if (!(statement instanceof BuiltStatement)) return statement;
  const { sql, values } = statement.compiledFor("postgresql");
  return { text: sql, values };
}

async function runOnPostgres<T>(pool: pg.Pool, script: () => SqlScript<T>, mode: PostgresMode): Promise<T> {
  try {
    return await runOnPooledClient(pool, script, mode);
  } catch (error) {
    if (!isStalePreparedStatement(error)) throw error;
    // A migration changed what a prepared statement returns; that connection is gone, and the script runs again
    // on another. Nothing was written: the failing statement was a read, or the transaction's first change and
    // rolled back, or a one-write script's write, which is its last statement.
    return runOnPooledClient(pool, script, mode);
  }
}

async function runOnPooledClient<T>(pool: pg.Pool, script: () => SqlScript<T>, mode: PostgresMode): Promise<T> {
  const client = await pool.connect();
  let discard: Error | undefined;
  try {
    return await runOnPostgresClient(client, script, mode);
  } catch (error) {
    if (error instanceof RollbackFailed) {
      discard = error;
      throw error.failure;
    }
    // Its prepared statements go with it.
    if (isStalePreparedStatement(error)) discard = error as Error;
    throw error;
  } finally {
    // A client whose rollback failed is in an unknown state: the pool discards it.
    client.release(discard);
  }
}

/** PostgreSQL's answer to a prepared statement whose result changed shape under it (after a migration). */
function isStalePreparedStatement(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error as { code?: unknown }).code === "0A000" &&
    /cached plan must not change result type/.test(error.message)
  );
}

/** The script failed, and so did its ROLLBACK: the client is in an unknown state. */
class RollbackFailed extends Error {
  constructor(readonly failure: unknown) {
    super("ROLLBACK failed after a failed transaction script");
  }
}

/** Runs a script on one PostgreSQL client, as the pools do. */
async function runOnPostgresClient<T>(
  client: pg.ClientBase,
  script: () => SqlScript<T>,
  mode: PostgresMode,
): Promise<T> {
  const inTransaction = mode === "transaction";
  if (inTransaction) await client.query("BEGIN");
  try {
    const steps = script();
    let next = steps.next();
    let written = false;
    while (!next.done) {
      const { statement, returns } = next.value;
      const { text, values } = forPostgres(statement);
      if (mode === "one-write" && written)
        throw new Error("runOneWrite: a statement after the script's write (it would not be atomic with it)");
      written = !isRead(text);
      const result = await client.query({
        name: preparedName(text),
        text,
        values: values.map(pgValue),
        types: pgTypes,
      });
      next = steps.next(returns === "rows" ? result.rows : (result.rowCount ?? 0));
    }
    if (inTransaction) await client.query("COMMIT");
    return next.value;
  } catch (error) {
    if (inTransaction) {
      try {
        await client.query("ROLLBACK");
      } catch {
        throw new RollbackFailed(error);
      }
    }
    throw error;
  }
}

// ---- Health ----

/**
 * Whether a write transaction can begin within `deadlineMs`: what a wedged instance cannot do. Begins one and
 * rolls it back, writing nothing. SQLite: tries every 10 ms while another process holds the write lock, without
 * blocking the event loop, and fails at once if a transaction is open in this process, which the rule above rules
 * out. PostgreSQL: a pooled client and a READ WRITE transaction within the
 * deadline (a standby or an exhausted pool fails it).
 */
export async function canBeginWriteTransaction(deadlineMs: number): Promise<boolean> {
  const driver = await getDriver();
  if (driver.provider === "sqlite") {
    const { connection } = driver;
    if (connection.inTransaction) return false;
    for (let waited = 0; ; waited += 10) {
      if (tryBeginImmediate(connection)) {
        prepared(connection, "ROLLBACK").run();
        return true;
      }
      if (waited >= deadlineMs) return false;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const probe = (async () => {
    const client = await driver.pool.connect();
    try {
      await client.query("BEGIN READ WRITE");
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
  try {
    return await Promise.race([probe.then(() => true), deadline]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    probe.catch(() => undefined);
  }
}
