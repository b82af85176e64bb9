import "server-only";

import { built, type Parameters, prepare, sqlBuilder } from "@/lib/server/db/builder";
import { Prisma } from "@/lib/generated/sqlite/client";
import { execute, query, type SqlScript, type Statement } from "@/lib/server/db/script";

/**
 * The outbox's store: the e-mails to send, queued as a step of the script of the change they announce (sent if
 * and only if it committed), and claimed with a lease by the worker that delivers them.
 */

interface OutboxRow {
  kind: string;
  recipient: string;
  /** The business whose brand the e-mail carries; null for the portal's own (sign-in links). */
  businessId: number | null;
  /** JSON text. */
  payload: string;
}

const insertOutboxRow = prepare((p: Parameters<OutboxRow & { now: Date }>) =>
  sqlBuilder.insertInto("OutboxMessage").values({
    kind: p.kind,
    recipient: p.recipient,
    businessId: p.businessId,
    payload: p.payload,
    status: "pending",
    attempts: 0,
    nextAttemptAt: p.now,
    createdAt: p.now,
  }),
);

/** The INSERT of an outbox row, due at once. */
export function outboxInsert(row: OutboxRow): Statement {
  return insertOutboxRow({ ...row, now: new Date() });
}

/**
 * PostgreSQL: the registration e-mail of the customer that the same statement created or linked, from `customer`,
 * a CTE with the customer's "id" and whether the statement "created" it, which picks the kind (`kinds`). The
 * payload (JSON text) gets the customer's id as "customerId".
 */
export function registrationMailInsertFrom(
  customer: Prisma.Sql,
  message: { kinds: { created: string; linked: string }; recipient: string; businessId: number; payload: string },
): Prisma.Sql {
  const now = new Date();
  return Prisma.sql`
    INSERT INTO "OutboxMessage" ("kind", "recipient", "businessId", "payload", "status", "attempts", "nextAttemptAt", "createdAt")
    SELECT CASE WHEN c."created" THEN ${message.kinds.created} ELSE ${message.kinds.linked} END,
           ${message.recipient}, ${message.businessId}, jsonb_set(${message.payload}::jsonb, '{customerId}', to_jsonb(c."id"))::text,
           'pending', 0, ${now}, ${now}
    FROM ${customer} c`;
}

const abandonedIds = prepare((p: Parameters<{ now: Date; limit: number }>) =>
  sqlBuilder
    .selectFrom("OutboxMessage")
    .select("id")
    .where("status", "=", "sending")
    .where("claimedUntil", "<", p.now)
    .limit(p.limit),
);

const pendingIds = prepare((p: Parameters<{ now: Date; limit: number }>) =>
  sqlBuilder
    .selectFrom("OutboxMessage")
    .select("id")
    .where("status", "=", "pending")
    .where("nextAttemptAt", "<=", p.now)
    .orderBy("nextAttemptAt")
    .limit(p.limit),
);

/**
 * Up to `limit` due rows: claimed by a worker whose lease ran out, then pending and due for an attempt. Two index
 * range scans (status, nextAttemptAt): one OR query with ORDER BY id read and sorted every due row.
 */
export function* dueOutboxIds(now: Date, limit: number): SqlScript<number[]> {
  const abandoned = yield* query(abandonedIds({ now, limit }));
  const pending = yield* query(pendingIds({ now, limit }));
  return [...abandoned, ...pending].slice(0, limit).map((row) => row.id);
}

/** Claims those of `ids` still due, row by row (of two workers, only one claims a row), until `claimedUntil`. */
export function* claimOutboxRows(ids: readonly number[], now: Date, claimedUntil: Date) {
  return yield* query(
    built(
      sqlBuilder
        .updateTable("OutboxMessage")
        .set({ status: "sending", claimedUntil })
        .where("id", "in", ids)
        .where((eb) =>
          eb.or([
            eb.and([eb("status", "=", "pending"), eb("nextAttemptAt", "<=", now)]),
            eb.and([eb("status", "=", "sending"), eb("claimedUntil", "<", now)]),
          ]),
        )
        .returning(["id", "kind", "recipient", "payload", "attempts"]),
    ),
  );
}

/**
 * Marks delivered rows sent, in one statement; the payload of a kind in `redactKinds` is replaced (a delivered
 * sign-in link must not stay readable in the database, or on the staff page).
 */
export function* markOutboxRowsSent(ids: readonly number[], sentAt: Date, redactKind: string): SqlScript<number> {
  return yield* execute(
    built(
      sqlBuilder
        .updateTable("OutboxMessage")
        .set((eb) => ({
          status: "sent",
          sentAt,
          attempts: eb("attempts", "+", 1),
          claimedUntil: null,
          lastError: null,
          payload: eb
            .case()
            .when("kind", "=", redactKind)
            .then(JSON.stringify({ redacted: true }))
            .else(eb.ref("payload"))
            .end(),
        }))
        .where("id", "in", ids),
    ),
  );
}
