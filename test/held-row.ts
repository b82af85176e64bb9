import pg from "pg";

/**
 * A basket session's row held by a session of its own (PostgreSQL), as a slow transaction would hold it: a
 * registration of that basket waits for it mid-registration. For the tests that show nothing else waits with it.
 */
interface HeldBasketRow {
  /** Resolves once some session of the test database waits for a lock (the registration reached the row). */
  untilSomeoneWaits(): Promise<void>;
  /** Commits the holding transaction: whoever waited goes on. */
  release(): Promise<void>;
  /** Rolls back (when not released) and disconnects. */
  end(): Promise<void>;
}

export async function holdBasketRow(basketSessionId: number): Promise<HeldBasketRow> {
  const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  await holder.query("BEGIN");
  await holder.query(`SELECT 1 FROM "BasketSession" WHERE "id" = $1 FOR UPDATE`, [basketSessionId]);
  return {
    async untilSomeoneWaits() {
      for (let waited = 0; ; waited += 20) {
        const { rows } = await holder.query<{ n: string }>(
          `SELECT COUNT(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]?.n) > 0) return;
        if (waited > 10_000) throw new Error("nothing reached the held row");
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      await holder.query("COMMIT");
    },
    async end() {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    },
  };
}

/** Settles with the promise, or with "still waiting" after `ms`. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "still waiting"> {
  return Promise.race([promise, new Promise<"still waiting">((resolve) => setTimeout(resolve, ms, "still waiting"))]);
}
