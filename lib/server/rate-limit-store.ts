import "server-only";

import type { Db } from "@/lib/server/db";

/**
 * The data access rate-limiter-flexible's RateLimiterPrisma performs, as single SQL statements that both
 * SQLite and PostgreSQL run (an atomic INSERT … ON CONFLICT … RETURNING for the increment). The library keeps
 * its algorithm; this only replaces three model calls per key, which cost several times more than the SQL.
 */
type Row = { points: number; expire: Date | null };
type KeyWhere = { key?: string; expire?: { lte?: Date; lt?: Date } };

function rowOf(row: { points: number | bigint; expire: Date | null } | undefined): Row | null {
  return row ? { points: Number(row.points), expire: row.expire } : null;
}

export function rateLimitStore(db: Db) {
  return {
    rateLimiterFlexible: {
      async deleteMany({ where }: { where: KeyWhere }): Promise<{ count: number }> {
        if (where.key !== undefined && where.expire?.lte) {
          return { count: await db.$executeRaw`DELETE FROM "RateLimiterFlexible" WHERE "key" = ${where.key} AND "expire" <= ${where.expire.lte}` };
        }
        if (where.key !== undefined) return { count: await db.$executeRaw`DELETE FROM "RateLimiterFlexible" WHERE "key" = ${where.key}` };
        if (where.expire?.lt) return { count: await db.$executeRaw`DELETE FROM "RateLimiterFlexible" WHERE "expire" < ${where.expire.lt}` };
        throw new Error("rate limit store: unsupported delete");
      },
      async upsert(input: {
        where: { key: string };
        create: { key: string; points: number; expire: Date | null };
        update: { points: number | { increment: number }; expire?: Date | null };
      }): Promise<Row | null> {
        const { key, points, expire } = input.create;
        const rows =
          typeof input.update.points === "number"
            ? await db.$queryRaw<Row[]>`INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES (${key}, ${points}, ${expire})
                ON CONFLICT ("key") DO UPDATE SET "points" = excluded."points", "expire" = excluded."expire" RETURNING "points", "expire"`
            : await db.$queryRaw<Row[]>`INSERT INTO "RateLimiterFlexible" ("key", "points", "expire") VALUES (${key}, ${points}, ${expire})
                ON CONFLICT ("key") DO UPDATE SET "points" = "RateLimiterFlexible"."points" + excluded."points" RETURNING "points", "expire"`;
        return rowOf(rows[0]);
      },
      async findFirst({ where }: { where: { AND: [{ key: string }, unknown] } }): Promise<Row | null> {
        const now = new Date();
        const rows = await db.$queryRaw<Row[]>`SELECT "points", "expire" FROM "RateLimiterFlexible"
          WHERE "key" = ${where.AND[0].key} AND ("expire" > ${now} OR "expire" IS NULL)`;
        return rowOf(rows[0]);
      },
    },
  };
}
