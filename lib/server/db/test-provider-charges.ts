import "server-only";

import { built, type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The test payment provider's ledger (payments/test-provider.ts): one row of "TestProviderCharge" per reference,
 * so a reference is charged once, with the webhook event it still owes the app ("notifyAt") and the sequence
 * number of its latest status.
 */

interface NewCharge {
  reference: string;
  amountMinor: number;
  currency: string;
  /** succeeded | declined | pending (confirmed at `settleAt`). */
  status: string;
  settleAt: Date | null;
  now: Date;
}

const insertCharge = prepare((p: Parameters<NewCharge>) =>
  sqlBuilder
    .insertInto("TestProviderCharge")
    .values({
      reference: p.reference,
      amountMinor: p.amountMinor,
      currency: p.currency,
      status: p.status,
      settleAt: p.settleAt,
      notifyAt: p.settleAt,
      sequence: sql.lit(1),
      createdAt: p.now,
    })
    // A no-op update, so that a repeated charge returns the row it finds.
    .onConflict((conflict) =>
      conflict.column("reference").doUpdateSet((eb) => ({ reference: eb.ref("excluded.reference") })),
    )
    .returning("status"),
);

/**
 * Charges a reference once: a new charge, due to notify at `settleAt`, or the reference's charge as it is. Its
 * status, or undefined if the database returned none.
 */
export function* chargeOnce(charge: NewCharge): SqlScript<string | undefined> {
  const [charged] = yield* query(insertCharge(charge));
  return charged?.status;
}

/** A charge still to be confirmed whose time has come is confirmed, and owes its event from now. */
function confirmDue(p: Parameters<{ now: Date }>) {
  return sqlBuilder
    .updateTable("TestProviderCharge")
    .set((eb) => ({ status: sql.lit("succeeded"), sequence: eb("sequence", "+", sql.lit(1)), notifyAt: p.now }))
    .where("status", "=", sql.lit("pending"))
    .where("settleAt", "<=", p.now);
}

const confirmAllDue = prepare((p: Parameters<{ now: Date }>) => confirmDue(p));
const confirmOneDue = prepare((p: Parameters<{ now: Date; reference: string }>) =>
  confirmDue(p).where("reference", "=", p.reference),
);

/** Confirms the pending charges whose time has come (of the reference only, when one is given). */
export function* confirmDueCharges(now: Date, reference?: string): SqlScript<number> {
  return yield* execute(reference === undefined ? confirmAllDue({ now }) : confirmOneDue({ now, reference }));
}

const chargeStatus = prepare((p: Parameters<{ reference: string }>) =>
  sqlBuilder.selectFrom("TestProviderCharge").select("status").where("reference", "=", p.reference),
);

/** The status of the reference's charge, or undefined when it was never charged. */
export function* findChargeStatus(reference: string): SqlScript<string | undefined> {
  const [row] = yield* query(chargeStatus({ reference }));
  return row?.status;
}

const cancelCharge = prepare((p: Parameters<{ reference: string; now: Date }>) =>
  sqlBuilder
    .insertInto("TestProviderCharge")
    .values({
      reference: p.reference,
      amountMinor: sql.lit(0),
      currency: sql.lit(""),
      status: sql.lit("canceled"),
      settleAt: sql.lit(null),
      notifyAt: sql.lit(null),
      sequence: sql.lit(1),
      createdAt: p.now,
    })
    .onConflict((conflict) =>
      conflict
        .column("reference")
        .doUpdateSet((eb) => ({
          status: sql.lit("canceled"),
          sequence: eb("TestProviderCharge.sequence", "+", sql.lit(1)),
          notifyAt: sql.lit(null),
        }))
        .where("TestProviderCharge.status", "=", sql.lit("pending")),
    )
    .returning("status"),
);

/**
 * Cancels the reference's charge if it is still to be confirmed, and bars a reference never charged (a later
 * charge with it finds it canceled). The status it left, or undefined when the charge was settled already.
 */
export function* cancelPendingCharge(reference: string, now: Date): SqlScript<string | undefined> {
  const [row] = yield* query(cancelCharge({ reference, now }));
  return row?.status;
}

const dueEvents = prepare((p: Parameters<{ now: Date; limit: number }>) =>
  sqlBuilder
    .selectFrom("TestProviderCharge")
    .select("reference")
    .where("notifyAt", "<=", p.now)
    .orderBy("notifyAt")
    .limit(p.limit),
);

/**
 * Claims up to `limit` of the events due (the charges whose "notifyAt" has come, earliest first) until
 * `claimedUntil`: those still due when claimed, with their charge's status and sequence number.
 */
export function* claimDueChargeEvents(now: Date, claimedUntil: Date, limit: number) {
  const due = yield* query(dueEvents({ now, limit }));
  if (due.length === 0) return [];
  return yield* query(
    built(
      sqlBuilder
        .updateTable("TestProviderCharge")
        .set({ notifyAt: claimedUntil })
        .where(
          "reference",
          "in",
          due.map((row) => row.reference),
        )
        .where("notifyAt", "<=", now)
        .returning(["reference", "status", "sequence"]),
    ),
  );
}

const eventDelivered = prepare((p: Parameters<{ reference: string; sequence: number }>) =>
  sqlBuilder
    .updateTable("TestProviderCharge")
    .set({ notifyAt: sql.lit(null) })
    .where("reference", "=", p.reference)
    .where("sequence", "=", p.sequence),
);

/** The event of this sequence number was delivered: the charge owes none, unless it changed since. */
export function* markChargeEventDelivered(reference: string, sequence: number): SqlScript<number> {
  return yield* execute(eventDelivered({ reference, sequence }));
}
