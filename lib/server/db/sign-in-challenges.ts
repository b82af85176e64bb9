import "server-only";

import { type Parameters, prepare, sql, sqlBuilder } from "@/lib/server/db/builder";
import { execute, query, type SqlScript } from "@/lib/server/db/script";

/**
 * The sign-in challenges' store (auth/sign-in-challenge.ts): one row per sign-in e-mail, holding the hashes of its
 * link's token and of its code, and the code tries counted against it. Every change is one conditional UPDATE, so
 * instances and requests at once cannot use a row twice or count more tries than the guard allows.
 */

const deleteExpiredBefore = prepare((p: Parameters<{ email: string; before: Date }>) =>
  sqlBuilder.deleteFrom("SignInChallenge").where("email", "=", p.email).where("expiresAt", "<", p.before),
);

/** Deletes the address's challenges that expired before `before`. */
export function* deleteChallengesExpiredBefore(email: string, before: Date): SqlScript<number> {
  return yield* execute(deleteExpiredBefore({ email, before }));
}

interface NewChallenge {
  email: string;
  tokenHash: string;
  codeHash: string;
  expiresAt: Date;
  createdAt: Date;
}

const insertChallenge = prepare((p: Parameters<NewChallenge>) =>
  sqlBuilder.insertInto("SignInChallenge").values({
    email: p.email,
    tokenHash: p.tokenHash,
    codeHash: p.codeHash,
    attempts: sql.lit(0),
    expiresAt: p.expiresAt,
    createdAt: p.createdAt,
  }),
);

/** A new challenge, no code tried yet. */
export function* insertSignInChallenge(challenge: NewChallenge): SqlScript<void> {
  yield* execute(insertChallenge(challenge));
}

const challengeByTokenHash = prepare((p: Parameters<{ tokenHash: string }>) =>
  sqlBuilder.selectFrom("SignInChallenge").selectAll().where("tokenHash", "=", p.tokenHash),
);

/** The challenge whose link's token has this hash. */
export function* findChallengeByTokenHash(tokenHash: string) {
  const [row] = yield* query(challengeByTokenHash({ tokenHash }));
  return row;
}

const useLinkOnce = prepare((p: Parameters<{ tokenHash: string; now: Date; maxAttempts: number }>) =>
  sqlBuilder
    .updateTable("SignInChallenge")
    .set({ usedAt: p.now })
    .where("tokenHash", "=", p.tokenHash)
    .where("usedAt", "is", null)
    .where("voidedAt", "is", null)
    .where("attempts", "<", p.maxAttempts)
    .where("expiresAt", ">", p.now)
    .returning(["id", "email"]),
);

/**
 * Uses the challenge of this token hash, if it is unused, not void, has had fewer than `maxAttempts` codes tried and
 * has not expired; its id and address, or undefined when no challenge was used.
 */
export function* useChallengeLink(tokenHash: string, now: Date, maxAttempts: number) {
  const [used] = yield* query(useLinkOnce({ tokenHash, now, maxAttempts }));
  return used;
}

type CodeTry = {
  email: string;
  now: Date;
  maxAttempts: number;
  /** Challenges created after this count towards `maxAttemptsSince`. */
  since: Date;
  maxAttemptsSince: number;
};

const countCodeTry = prepare((p: Parameters<CodeTry>) =>
  sqlBuilder
    .updateTable("SignInChallenge")
    .set((eb) => ({ attempts: eb("attempts", "+", sql.lit(1)) }))
    .where("id", "=", (eb) =>
      eb
        .selectFrom("SignInChallenge")
        .select("id")
        .where("email", "=", p.email)
        .orderBy("id", "desc")
        .limit(sql.lit(1)),
    )
    .where("usedAt", "is", null)
    .where("voidedAt", "is", null)
    .where("expiresAt", ">", p.now)
    .where("attempts", "<", p.maxAttempts)
    // Tries go only to the newest challenge, so the others' are settled; its own are re-read under its row lock.
    .where((eb) =>
      eb(
        eb(
          "attempts",
          "+",
          eb
            .selectFrom("SignInChallenge as o")
            .select((o) => o.fn.coalesce(o.fn.sum<number>("o.attempts"), sql.lit(0)).as("tried"))
            .where("o.email", "=", p.email)
            .whereRef("o.id", "<>", "SignInChallenge.id")
            .where("o.createdAt", ">", p.since),
        ),
        "<",
        p.maxAttemptsSince,
      ),
    )
    .returning(["id", "tokenHash", "codeHash", "attempts"]),
);

/**
 * Counts a code try against the address's newest challenge, if it is unused, not void, unexpired, has had fewer
 * than `maxAttempts` tries, and the address's other challenges created after `since` leave it under
 * `maxAttemptsSince` tries in all; the challenge with its tries counted so far, or undefined when none was counted.
 */
export function* countCodeTryOnNewestChallenge(codeTry: CodeTry) {
  const [counted] = yield* query(countCodeTry(codeTry));
  return counted;
}

const voidChallenge = prepare((p: Parameters<{ id: number; now: Date }>) =>
  sqlBuilder
    .updateTable("SignInChallenge")
    .set({ voidedAt: p.now })
    .where("id", "=", p.id)
    .where("usedAt", "is", null)
    .where("voidedAt", "is", null),
);

/** Voids the challenge unless it was used or voided already; 1 when it was voided, 0 if not. */
export function* voidSignInChallenge(id: number, now: Date): SqlScript<number> {
  return yield* execute(voidChallenge({ id, now }));
}

const useChallenge = prepare((p: Parameters<{ id: number; now: Date }>) =>
  sqlBuilder
    .updateTable("SignInChallenge")
    .set({ usedAt: p.now })
    .where("id", "=", p.id)
    .where("usedAt", "is", null)
    .where("voidedAt", "is", null),
);

/** Uses the challenge unless it was used or voided already; 1 when it was used, 0 if not. */
export function* useSignInChallenge(id: number, now: Date): SqlScript<number> {
  return yield* execute(useChallenge({ id, now }));
}

const voidOthers = prepare((p: Parameters<{ email: string; exceptId: number; now: Date }>) =>
  sqlBuilder
    .updateTable("SignInChallenge")
    .set({ voidedAt: p.now })
    .where("email", "=", p.email)
    .where("id", "<>", p.exceptId)
    .where("usedAt", "is", null)
    .where("voidedAt", "is", null),
);

/** Voids the address's challenges still usable, but for `exceptId`; how many it voided. */
export function* voidOtherSignInChallenges(email: string, exceptId: number, now: Date): SqlScript<number> {
  return yield* execute(voidOthers({ email, exceptId, now }));
}
